"""Errors of the /v1 (OpenAI-compatible) routes, in OpenAI's shape: ``{"error": {"message", "type", ...}}``.

Chat clients read that shape; the status codes are the ones the rest of the API uses (bad input 422,
index not ready 503). ``qa.api.errors`` answers in this shape for every path under /v1; routes opt in
with ``APIRouter(route_class=OpenAIRoute)`` so their errors are shaped even before reaching it.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from qa.api.errors import domain_problem, respond, validation_problem
from qa.api.schemas.openai import error_body
from qa.errors import QAError


def openai_error(status: int, message: str, kind: str, param: str | None = None, code: str | None = None) -> Response:
    return JSONResponse(status_code=status, content=error_body(message, kind, param, code))


class OpenAIRoute(APIRoute):
    """A route whose errors come out in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return respond(request, validation_problem(request, exc))
            except QAError as exc:
                problem = domain_problem(exc)
                if problem is None:
                    raise
                return respond(request, problem)

        return route
