"""Errors of the /v1 (OpenAI-compatible) routes, in OpenAI's shape: ``{"error": {"message", "type", ...}}``.

Chat clients read that shape; the status codes are the ones the rest of the API uses (bad input 422,
index not ready 503). Routes opt in with ``APIRouter(route_class=OpenAIRoute)``.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from qa.api.errors import describe_validation
from qa.chat.openai_format import error_body
from qa.errors import IndexStoreError


def openai_error(status: int, message: str, kind: str, param: str | None = None, code: str | None = None) -> Response:
    return JSONResponse(status_code=status, content=error_body(message, kind, param, code))


def _param(loc: tuple) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "path", "query")]
    return ".".join(parts) or None


class OpenAIRoute(APIRoute):
    """A route whose errors come out in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
                param = _param(tuple(errors[0].get("loc", ()))) if errors else None
                return openai_error(422, describe_validation(errors), "invalid_request_error", param)
            except IndexStoreError as exc:
                return openai_error(503, f"index not available: {exc}", "service_unavailable", code="index_not_ready")
            except ValueError as exc:
                return openai_error(422, str(exc), "invalid_request_error")

        return route
