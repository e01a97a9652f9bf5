"""Map domain errors to HTTP status codes, with messages that say what was wrong."""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from qa.errors import ArticleNotFound, BuildInProgress, IndexStoreError


def _where(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "path", "query")]
    return ".".join(parts) or "body"


def describe_validation(errors: list[dict]) -> str:
    """One line per problem, naming the field: ``top_k: Input should be less than or equal to 20``."""
    return "; ".join(f"{_where(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in errors)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
    return JSONResponse(
        status_code=422,
        content=jsonable_encoder({"detail": errors, "message": describe_validation(errors)}),
    )


async def _not_found(request: Request, exc: ArticleNotFound) -> JSONResponse:
    return JSONResponse(status_code=404, content={"detail": str(exc)})


async def _index(request: Request, exc: IndexStoreError) -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": f"index not available: {exc}"})


async def _value(request: Request, exc: ValueError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": str(exc)})


async def _busy(request: Request, exc: BuildInProgress) -> JSONResponse:
    return JSONResponse(status_code=409, content={"detail": str(exc)})


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ArticleNotFound, _not_found)
    app.add_exception_handler(IndexStoreError, _index)
    app.add_exception_handler(ValueError, _value)
    app.add_exception_handler(BuildInProgress, _busy)
