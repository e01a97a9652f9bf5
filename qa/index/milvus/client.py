"""One pymilvus client per URI and process, and a clear error when Milvus cannot be reached."""

import logging
import threading
from pathlib import Path
from typing import Any

from qa.errors import IndexStoreError

CONNECT_TIMEOUT = 10.0  # seconds: an unreachable server is reported at startup, not waited for forever
REMOTE_SCHEMES = ("http://", "https://", "tcp://", "unix:")

_clients: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def is_local(uri: str) -> bool:
    """A file path (Milvus Lite in this process) rather than a server address."""
    return not uri.startswith(REMOTE_SCHEMES)


def connect(uri: str, token: str = "", timeout: float = CONNECT_TIMEOUT) -> Any:
    """The ``MilvusClient`` for ``uri``, shared by everything in this process (Milvus Lite opens a file once)."""
    key = (uri, token)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _open(uri, token, timeout)
            _clients[key] = client
        return client


def release(uri: str, token: str = "") -> None:
    """Close the client of ``uri``; for a Milvus Lite file also stop its in-process server, so the file can be
    removed (the eval's temporary index). Nothing happens when ``uri`` was never connected."""
    with _lock:
        client = _clients.pop((uri, token), None)
    if client is None:
        return
    client.close()
    if is_local(uri):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(uri)


def _open(uri: str, token: str, timeout: float) -> Any:
    from pymilvus import MilvusClient

    # pymilvus logs every failed call with its traceback (set up by its import); our errors say it in one line.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    if is_local(uri):
        # Milvus Lite's in-process gRPC server logs each call it does not implement (the query iterator asks for a
        # timestamp, then does without).
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
        if not uri.endswith(".db"):
            raise IndexStoreError(
                f"QA_MILVUS_URI {uri!r} is neither a server address (http://host:19530) nor a Milvus Lite file "
                "(a path ending in .db)"
            )
        try:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexStoreError(f"cannot create the folder of the Milvus Lite file {uri!r}: {exc}") from exc
    try:
        client = MilvusClient(uri=uri, token=token, timeout=timeout)
        client.list_collections()  # proves the connection
    except Exception as exc:
        raise IndexStoreError(_reason(uri, exc, timeout)) from exc
    return client


def _reason(uri: str, exc: Exception, timeout: float) -> str:
    if is_local(uri):
        return (
            f"cannot open the Milvus Lite file {uri!r} ({_message(exc)}): Milvus Lite serves one process per "
            "file, so another server or build may have it open; for several processes run "
            f"`milvus-lite server --data-dir {uri}` and set QA_MILVUS_URI=http://127.0.0.1:19530"
        )
    return f"cannot connect to Milvus at {uri!r} within {timeout:g} s ({_message(exc)}): is it running?"


def _message(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= 200 else text[:200] + "..."
