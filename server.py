"""Serve the question-answering API: ``python server.py`` (settings from QA_* environment variables)."""

import logging

from qa.api.serve import LOG_FORMAT, run
from qa.settings import Settings


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    run(settings)  # QA_WORKERS processes (qa/api/serve.py)


if __name__ == "__main__":
    main()
