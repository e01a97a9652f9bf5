"""Start the server: ``newsqa serve`` / ``python server.py`` (``main``), and ``server:app`` for ASGI servers.

Several server processes on one port, all serving the index version ``CURRENT`` names.

uvicorn starts ``workers`` processes; each imports ``worker_app`` and builds its own app (its own
model, its own reloader). The index files are memory-mapped (``QA_MMAP_INDEX``), so the processes
share one copy of each version in the page cache. Each process polls ``CURRENT`` on its own, so a
new version, written by the CLI or by the admin API of any process, is served by all of them
within ``QA_RELOAD_INTERVAL`` seconds.
"""

import argparse
import functools
import logging
from typing import Any

import uvicorn
from fastapi import FastAPI

from qa.api.app import create_app
from qa.api.connections import protocol
from qa.api.routes.admin import token_problem
from qa.errors import IndexStoreError
from qa.index.milvus.client import is_local
from qa.index.stores import open_store
from qa.settings import Settings

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Seconds a worker may take to answer the supervisor's health check before it is killed and restarted
# (uvicorn's default is 5). A worker busy with a burst of questions on a saturated machine answers late
# but is healthy; killing it drops every connection it holds and leaves the port to the others while a
# new one loads the index (seen under 8 clients on 2 cores at 100k chunks: 1229 failed requests).
HEALTHCHECK_TIMEOUT = 30


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn ``factory=True``): settings from the environment."""
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    return create_app(settings)


def connection_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn options bounding what clients can hold: connections per process, idle and header-read time.

    Under ``uvicorn server:app`` pass ``--limit-concurrency`` and ``--timeout-keep-alive`` yourself; the
    header deadline needs ``python server.py`` (qa.api.connections) or a reverse proxy."""
    return {
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.timeout_keep_alive,
        "http": protocol(settings.header_timeout),
    }


def run(settings: Settings) -> None:
    """Serve with ``settings.workers`` processes (one: in this process)."""
    limits = connection_limits(settings)
    if settings.workers == 1:
        app = create_app(settings)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, **limits)
        return
    if settings.reload_interval <= 0:
        logger.warning(
            "QA_RELOAD_INTERVAL is 0 with %d workers: a version built by the CLI, or through the admin API "
            "of one worker, will not reach the others",
            settings.workers,
        )
    uvicorn.run(
        f"{__name__}:worker_app",
        factory=True,
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_worker_healthcheck=HEALTHCHECK_TIMEOUT,
        **limits,
    )


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Serve with the ``QA_*`` settings; ``--host``/``--port``/``--workers`` override theirs."""
    defaults = Settings()
    parser = argparse.ArgumentParser(prog=prog, description="Serve the question-answering API (settings: QA_*).")
    parser.add_argument("--host", default=defaults.host, help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port, help="port to listen on (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=defaults.workers, help="processes (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        settings = Settings(**{**_explicit(defaults), "host": args.host, "port": args.port, "workers": args.workers})
    except ValueError as exc:  # a pydantic ValidationError names the field and the value
        parser.error(str(exc))
    problem = token_problem(settings) or store_problem(settings)
    if problem is not None:
        parser.error(problem)
    logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)
    run(settings)  # QA_WORKERS processes
    return 0


def store_problem(settings: Settings) -> str | None:
    """Why the index store cannot serve, found before any worker starts (None: it can)."""
    if settings.index_store != "milvus":
        return None
    if is_local(settings.milvus_uri) and settings.workers > 1:
        return (
            f"QA_WORKERS={settings.workers} with the Milvus Lite file {settings.milvus_uri!r}: Milvus Lite serves one "
            "process per file; run `milvus-lite server` (or Milvus) and set QA_MILVUS_URI to its http:// address"
        )
    try:
        open_store(settings)  # connects, so an unreachable or wrong address is reported now
    except IndexStoreError as exc:
        return str(exc)
    return None


def _explicit(settings: Settings) -> dict[str, object]:
    """The values of ``settings`` as keyword arguments: a new Settings with a few changed keeps the rest."""
    return {name: getattr(settings, name) for name in type(settings).model_fields}


@functools.cache
def lazy_app() -> FastAPI:
    """The app ``server:app`` names, made when an ASGI server first asks for it (settings read then, not at import)."""
    return worker_app()
