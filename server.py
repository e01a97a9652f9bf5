"""Serve the question-answering API (settings from ``QA_*`` environment variables).

``python server.py`` (same as ``newsqa serve``; ``QA_WORKERS`` processes), or any ASGI server with ``server:app``:
``uvicorn server:app``, ``fastapi run server.py``, ``gunicorn -k uvicorn.workers.UvicornWorker server:app``.
``app`` is made when the server first asks for it, so importing this file loads nothing.
"""

import sys

from fastapi import FastAPI

from qa.api.serve import lazy_app, main


def __getattr__(name: str) -> FastAPI:
    if name == "app":
        return lazy_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*globals(), "app"]  # so tools that list a module's names (fastapi run) find ``app``


if __name__ == "__main__":
    sys.exit(main(prog="server.py"))
