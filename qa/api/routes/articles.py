"""GET /articles/{article_id}: the full article a citation points into."""

from typing import Annotated

from fastapi import APIRouter, Path

from qa.api.deps import ServiceDep
from qa.api.schemas.ask import ERROR, ArticleOut
from qa.ingest.jsonl import ARTICLE_ID_MAX, ARTICLE_ID_RE

router = APIRouter(tags=["articles"])

ArticleId = Annotated[
    str, Path(pattern=ARTICLE_ID_RE.pattern, max_length=ARTICLE_ID_MAX, description="An article id from a citation.")
]


@router.get("/articles/{article_id}", response_model=ArticleOut, responses={404: ERROR, 422: ERROR, 503: ERROR})
def get_article(article_id: ArticleId, service: ServiceDep) -> ArticleOut:
    """Title, author, date, source, paragraphs and body of one article, and the other copies of its story."""
    return ArticleOut.of(service.article(article_id), service.copies(article_id))
