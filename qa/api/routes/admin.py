"""Admin API: add and delete articles, reindex. Needs ``Authorization: Bearer <QA_ADMIN_TOKEN>``.

Without a configured token every admin endpoint answers 403 (disabled, never open); a missing or
wrong token gets 401. Builds run in a worker thread, so questions keep being answered from the
current version until the new one is loaded and swapped in; the response comes after the swap.
"""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import WithJsonSchema
from starlette.concurrency import run_in_threadpool

from qa.api.deps import BuildQueueDep, ReloaderDep, SettingsDep, UpdaterDep
from qa.api.schemas.admin import ARTICLES_SCHEMA, BuildOut, ReindexRequest, UpdateOut
from qa.api.schemas.ask import BODY_ERRORS, ERROR
from qa.ingest.jsonl import ARTICLE_ID_MAX, ARTICLE_ID_RE
from qa.settings import MIN_ADMIN_TOKEN_CHARS, Settings

_bearer = HTTPBearer(auto_error=False, description="The value of QA_ADMIN_TOKEN.")


def token_problem(settings: Settings) -> str | None:
    """Why the server must not start with this admin token (too short to resist guessing), or None."""
    token = settings.admin_token
    length = len(token.get_secret_value().strip()) if token is not None else 0
    if 0 < length < MIN_ADMIN_TOKEN_CHARS:
        return (
            f"QA_ADMIN_TOKEN is {length} characters long: use at least {MIN_ADMIN_TOKEN_CHARS} random characters "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))'), or leave it unset to disable the "
            "admin API"
        )
    return None


def require_admin(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    token = settings.admin_token
    # A token of only whitespace (an empty line in a .env file, say) counts as none: disabled, never open.
    expected = token.get_secret_value().strip() if token is not None else ""
    if not expected:
        raise HTTPException(
            403, "the admin API is disabled: set QA_ADMIN_TOKEN to a secret token and restart the server to enable it"
        )
    given = credentials.credentials if credentials is not None else ""
    # Constant-time comparison: the time taken does not tell how much of a guess was right.
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401,
            "missing or wrong admin token: send 'Authorization: Bearer <QA_ADMIN_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


ArticleId = Annotated[
    str, Path(pattern=ARTICLE_ID_RE.pattern, max_length=ARTICLE_ID_MAX, description="The id of the article to delete.")
]

router = APIRouter(
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={401: ERROR, 403: ERROR, 409: ERROR, 429: ERROR, 503: ERROR, 507: ERROR},
)

ARTICLE_EXAMPLE = {
    "id": "2024-06-01-tech-001",
    "title": "新能源汽车销量创新高",
    "body": "5月全国新能源汽车销量达到95万辆。\n同比增长三成。",
    "date": "2024-06-01",
    "author": "张三",
}


@router.post("/articles", response_model=UpdateOut, status_code=201, responses=BODY_ERRORS)
async def add_articles(
    payload: Annotated[Any, WithJsonSchema(ARTICLES_SCHEMA), Body(examples=[ARTICLE_EXAMPLE])],
    updater: UpdaterDep,
    reloader: ReloaderDep,
    builds: BuildQueueDep,
) -> UpdateOut:
    """Add (or replace) one article or a list: the JSON Lines fields, stored under corpus/api/."""
    async with builds.turn():
        ids, summary = await run_in_threadpool(updater.add, payload)
    return UpdateOut(ids=ids, build=BuildOut.of(summary), serving=await reloader.reload())


@router.delete("/articles/{article_id}", response_model=UpdateOut, responses={404: ERROR, 422: ERROR})
async def delete_article(
    article_id: ArticleId, updater: UpdaterDep, reloader: ReloaderDep, builds: BuildQueueDep
) -> UpdateOut:
    """Remove an article from the corpus and the index."""
    async with builds.turn():
        summary = await run_in_threadpool(updater.delete, article_id)
    return UpdateOut(ids=[article_id], build=BuildOut.of(summary), serving=await reloader.reload())


@router.post("/admin/reindex", response_model=UpdateOut, responses=BODY_ERRORS)
async def reindex(
    updater: UpdaterDep, reloader: ReloaderDep, builds: BuildQueueDep, request: ReindexRequest | None = None
) -> UpdateOut:
    """Update the index from the corpus folder, or with ``{"full": true}`` rebuild it from scratch."""
    full = request.full if request is not None else False
    async with builds.turn():
        summary = await run_in_threadpool(updater.reindex, full)
    return UpdateOut(ids=[], build=BuildOut.of(summary), serving=await reloader.reload())
