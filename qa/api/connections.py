"""HTTP connections of ``python server.py``: a deadline for a request's headers.

uvicorn bounds idle kept-alive connections (``timeout_keep_alive``) and, with ``limit_concurrency``,
how many connections a process holds, but not how long a client may take to send a request's headers:
a client that opens connections and sends a byte now and then (slowloris) would hold them, and with
them the concurrency limit, for ever. ``HeaderDeadline`` answers such a connection 408 and closes it
once ``header_timeout`` seconds pass between the first byte of a request (or the connection's opening)
and the end of its headers. uvicorn's command line cannot choose a protocol class: under
``uvicorn server:app`` leave this to a reverse proxy (docs/operations.md).
"""

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class HeaderDeadline(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers do not arrive in time."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        if header_timeout <= 0:
            raise ValueError(f"header_timeout must be positive, got {header_timeout}")
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()  # a kept-alive connection's next request (its idle time before is timeout_keep_alive's)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        logger.info("closed a connection from %s: no request headers within %g s", self.client, self.header_timeout)
        self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def protocol(header_timeout: float) -> functools.partial:
    """What uvicorn's ``http`` option takes (a partial, so it survives the trip to worker processes)."""
    return functools.partial(HeaderDeadline, header_timeout=header_timeout)
