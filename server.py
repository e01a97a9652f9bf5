"""Serve the question-answering API: ``python server.py`` (settings from QA_* environment variables)."""

import logging

import uvicorn

from qa.api.app import create_app
from qa.settings import Settings


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level)


if __name__ == "__main__":
    main()
