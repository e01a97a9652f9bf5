"""Map errors to HTTP responses whose message says what was wrong, and never show internals.

Every error outside ``/v1`` is ``{"detail": ..., "message": "..."}``: ``message`` is one line naming
the problem (for a validation error, each field: ``top_k: Input should be less than or equal to 20``),
``detail`` is the same text or, for validation errors, the list of problems. Under ``/v1`` errors
have OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``. Anything unexpected is
logged with a reference and answered with a generic 500 that quotes only the reference.
"""

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from qa.api.schemas.openai import error_body
from qa.errors import ArticleNotFound, BuildInProgress, IndexStoreError, InvalidInput, StorageFull, TooManyWaiting
from qa.ingest.jsonl import ARTICLE_ID_RE, ARTICLE_ID_RULE

logger = logging.getLogger(__name__)

OPENAI_PREFIX = "/v1"
OPENAI_KINDS = {401: "authentication_error", 403: "permission_error", 404: "invalid_request_error"}
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


@dataclass
class Problem:
    """What went wrong, before it is put into one of the two error shapes."""

    status: int
    message: str
    detail: Any = None  # default: the message
    param: str | None = None  # the field, for OpenAI's ``param``
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _where(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "path", "query")]
    return ".".join(parts) or "body"


def _describe(error: dict) -> str:
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":  # FastAPI puts the character position into loc
        position = loc[1] if len(loc) > 1 else "?"
        reason = (error.get("ctx") or {}).get("error") or error.get("msg", "invalid")
        return f"body: invalid JSON at character {position}: {reason}"
    if loc == ("body",) and error.get("type") == "missing":
        return "body: missing; send a JSON object"
    if (
        error.get("type") == "string_pattern_mismatch"
        and (error.get("ctx") or {}).get("pattern") == ARTICLE_ID_RE.pattern
    ):
        return f"{_where(loc)}: not an article id ({ARTICLE_ID_RULE})"
    return f"{_where(loc)}: {error.get('msg', 'invalid')}"


def describe_validation(errors: list[dict]) -> str:
    """One line per problem, naming the field: ``top_k: Input should be less than or equal to 20``."""
    return "; ".join(_describe(e) for e in errors)


def _is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def validation_problem(request: Request, exc: RequestValidationError) -> Problem:
    """422 naming each bad field; 415 when the body was not sent as JSON at all."""
    raw = exc.errors()
    # A body not sent as JSON reaches validation as bytes.
    if not _is_json(request) and any(isinstance(e.get("input"), bytes | bytearray) for e in raw):
        given = request.headers.get("content-type") or "none"
        message = f"the body must be JSON sent with 'Content-Type: application/json' (got Content-Type: {given})"
        return Problem(415, message)
    errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in raw]
    first = errors[0] if errors else {}
    where = _where(tuple(first.get("loc", ())))
    param = None if first.get("type") == "json_invalid" or where == "body" else where  # OpenAI's ``param``
    return Problem(422, describe_validation(raw), detail=errors, param=param)


def _body_problem(cause: BaseException | None) -> str:
    """Why a body could not be read as JSON (Starlette reports it as a bare 400)."""
    if isinstance(cause, UnicodeDecodeError):
        return f"body: invalid JSON: the bytes are not UTF-8 text (cannot decode byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "body: invalid JSON: nested too deeply"
    return "body: invalid JSON: cannot be parsed"


def _allowed_methods(request: Request, allow: str) -> list[str]:
    """Every method some route accepts at this path: Starlette names only the first route that matched the
    path (the one in ``allow``), but routes of one path may live in several routers (GET and DELETE
    /articles/{id}), so the API description is consulted too."""
    methods = {m.strip().upper() for m in allow.split(",") if m.strip()}
    path = request.scope.get("path", "")
    for template, operations in request.app.openapi().get("paths", {}).items():
        if compile_path(template)[0].match(path):
            methods |= {m.upper() for m in operations if m.upper() in HTTP_METHODS}
    return sorted(methods)


def http_problem(request: Request, exc: StarletteHTTPException) -> Problem:
    headers = dict(exc.headers or {})
    method, path = request.method[:20], request.url.path
    path = path if len(path) <= 200 else path[:200] + "..."  # messages echo the path: keep them short
    if exc.status_code == 400 and exc.__cause__ is not None:  # the body could not be parsed
        return Problem(422, _body_problem(exc.__cause__))
    if exc.status_code == 404 and exc.detail == "Not Found":  # no route at this path
        message = f"no such endpoint: {method} {path} (the API is described at /openapi.json)"
        return Problem(404, message, code="not_found")
    if exc.status_code == 405:
        allowed = _allowed_methods(request, headers.pop("Allow", headers.pop("allow", "")))
        headers["Allow"] = ", ".join(allowed)
        return Problem(405, f"method {method} is not allowed on {path}; allowed: {', '.join(allowed)}", headers=headers)
    return Problem(exc.status_code, str(exc.detail), headers=headers)


def respond(request: Request, problem: Problem) -> JSONResponse:
    """The problem in the shape of the path's API: OpenAI's under /v1, ours elsewhere."""
    path = request.url.path
    if path == OPENAI_PREFIX or path.startswith(OPENAI_PREFIX + "/"):
        if problem.status >= 500:
            kind = "server_error" if problem.status == 500 else "service_unavailable"
        else:
            kind = OPENAI_KINDS.get(problem.status, "invalid_request_error")
        content = error_body(problem.message, kind, problem.param, problem.code)
    else:
        detail = problem.message if problem.detail is None else problem.detail
        content = {"detail": detail, "message": problem.message}
    return JSONResponse(jsonable_encoder(content), status_code=problem.status, headers=problem.headers or None)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return respond(request, validation_problem(request, exc))


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return respond(request, http_problem(request, exc))


def domain_problem(exc: Exception) -> Problem | None:
    """The answer to a domain error, or None when it is not one the API expects."""
    if isinstance(exc, ArticleNotFound):
        return Problem(404, str(exc), code="not_found")
    if isinstance(exc, IndexStoreError):
        return Problem(503, f"index not available: {exc}", code="index_not_ready")
    if isinstance(exc, InvalidInput):
        return Problem(422, str(exc))
    if isinstance(exc, TooManyWaiting):
        return Problem(429, str(exc), code="too_many_waiting", headers={"Retry-After": "5"})
    if isinstance(exc, BuildInProgress):
        return Problem(409, str(exc))
    if isinstance(exc, StorageFull):
        return Problem(507, str(exc), code="storage_full")
    return None


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    problem = domain_problem(exc)
    if problem is None:  # cannot happen: registered for the classes domain_problem knows
        return await _unexpected(request, exc)
    return respond(request, problem)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Last resort: log the error with a reference, answer without internals."""
    reference = secrets.token_hex(4)
    logger.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    message = f"internal server error (reference {reference}); the server log has the details"
    return respond(request, Problem(500, message, headers=dict(NOSNIFF)))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    for kind in (ArticleNotFound, IndexStoreError, InvalidInput, BuildInProgress, StorageFull):
        app.add_exception_handler(kind, _domain)
    app.add_exception_handler(Exception, _unexpected)
