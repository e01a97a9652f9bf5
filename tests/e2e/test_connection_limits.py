"""What a client can hold of the real server (python server.py): connections beyond QA_LIMIT_CONCURRENCY get
503, and a connection whose request headers do not arrive within QA_HEADER_TIMEOUT gets 408 and is closed."""

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from qa.testing.generated import write_corpus
from qa.testing.server import LiveServer, start_server
from tests.e2e.test_hostile_clients import exchange, request

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("limits")
    write_corpus(root / "corpus", 5)
    live = start_server(
        root / "index",
        corpus=root / "corpus",
        build=True,
        model="hash-test",
        log_level="info",
        header_timeout=1,
        limit_concurrency=4,
        timeout_keep_alive=1,
    )
    yield live
    log = live.log()  # before stop: it removes a log of its own
    live.stop()
    assert "Traceback" not in log, log[-3000:]


def connect(server: LiveServer) -> socket.socket:
    address = urlsplit(server.base)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    started, data = time.monotonic(), b""
    while chunk := sock.recv(65536):
        data += chunk
    return data, time.monotonic() - started


@pytest.mark.parametrize("sent", [b"", b"GET /health HTTP/1.1\r\nHost: x\r\n"], ids=["nothing", "half the headers"])
def test_headers_that_do_not_arrive_in_time_get_408_and_the_connection_closed(server, sent):
    with connect(server) as sock:
        sock.sendall(sent)
        data, seconds = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and 0.8 < seconds < 3


def test_headers_sent_a_byte_at_a_time_are_cut_off_too(server):
    raw = request("GET", b"/health")
    with connect(server) as sock:
        started = time.monotonic()
        try:
            for byte in raw:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and time.monotonic() - started < 3


def test_connections_beyond_the_limit_get_503_at_once(server):
    with ExitStack() as idle:
        for _ in range(4):
            idle.enter_context(connect(server))
        status, _, body = exchange(server.base, request("GET", b"/health"))
        assert status == 503 and body == b"Service Unavailable"  # uvicorn's own answer, before the app
    time.sleep(0.2)  # the server notices the idle connections closing
    assert exchange(server.base, request("GET", b"/health"))[0] == 200
