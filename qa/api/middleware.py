"""The HTTP layer's outer defences: request body size limit, CORS, security headers.

- Bodies over ``QA_MAX_BODY_BYTES`` get a 413 naming the limit: at once when ``Content-Length`` says
  so (the body is never read), else (chunked bodies) as soon as the bytes read pass the limit.
- CORS is closed unless ``QA_CORS_ORIGINS`` lists origins (Starlette's ``CORSMiddleware``).
- Every response says ``X-Content-Type-Options: nosniff`` (and refuses framing and referrers).
"""

import asyncio
import logging

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.api.errors import Problem, respond
from qa.settings import Settings

logger = logging.getLogger(__name__)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


DRAIN_BYTES = 1024 * 1024
DRAIN_SECONDS = 2.0


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body is larger than the limit of {limit} bytes (QA_MAX_BODY_BYTES)")


class BodySizeLimit:
    """Refuse request bodies larger than ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.limit:
            if int(declared) <= self.limit + DRAIN_BYTES:  # small enough to read and drop (see _drain)
                await _drain(receive, int(declared))
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if message.get("more_body", False):
                        await _drain(receive, DRAIN_BYTES)
                    # An HTTPException passes through FastAPI's body parsing to the error handlers.
                    raise too_large(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        logger.info("refused a body over %d bytes: %s %s", self.limit, request.method, request.url.path)
        exc = too_large(self.limit)
        response = respond(request, Problem(413, str(exc.detail), headers={"Connection": "close"}))
        await response(scope, receive, send)


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop a little more of a body that is over the limit, so the client gets to read the 413.

    Closing a connection with unread bytes makes the kernel reset it, and the client may lose the
    response. Bounded in bytes and time: a client that keeps sending is cut off regardless.
    """
    left, deadline = budget, asyncio.get_running_loop().time() + DRAIN_SECONDS
    try:
        while left > 0:
            timeout = deadline - asyncio.get_running_loop().time()
            message = await asyncio.wait_for(receive(), timeout=max(timeout, 0.001))
            left -= len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                return
    except TimeoutError:
        return


class SecurityHeaders:
    """Add cheap protective headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware; the last added runs first (outermost): headers, then CORS, then the limit."""
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
        logger.info("CORS open to %s", ", ".join(settings.cors_origins))
    app.add_middleware(SecurityHeaders)
