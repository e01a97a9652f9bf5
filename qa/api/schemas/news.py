"""Request fields that narrow a question to dates and a paper, and what citations say about copies of a story."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from qa.answering.scope import Scope, paper_of
from qa.models import Article


def _iso_text(value: Any) -> Any:
    """Only an ISO date string (2026-04-28): pydantic alone would take the number 20260428 as a Unix time."""
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError(f"must be an ISO date such as 2026-04-28, got {value!r}")


IsoDate = Annotated[date, BeforeValidator(_iso_text)]


class NewsFilters(BaseModel):
    """Optional fields of /ask and /v1/chat/completions."""

    today: IsoDate | None = Field(
        None,
        description="The day relative dates in the question (昨天, 上周, 今年) count from, ISO (2026-04-28); "
        "default: today in QA_TIMEZONE.",
    )
    date_from: IsoDate | None = Field(None, description="Only articles published on or after this day (ISO).")
    date_to: IsoDate | None = Field(None, description="Only articles published on or before this day (ISO).")
    paper: str | None = Field(
        None, min_length=1, max_length=100, description="Only articles of this paper, as citations name it (人民日报)."
    )

    @field_validator("date_to")
    @classmethod
    def _not_before_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value < start:
            raise ValueError(f"date_to {value.isoformat()} is before date_from {start.isoformat()}")
        return value

    @field_validator("paper")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must contain text, not only whitespace")
        return value.strip() if value is not None else None

    def scope(self, today: date) -> Scope:
        """The scope of this request; ``today`` is the server's date, used when the request gives none."""
        return Scope(self.today or today, self.date_from, self.date_to, self.paper)


class CopyOut(BaseModel):
    """Another copy of a cited story: the same report printed by another paper (or under another headline)."""

    article_id: str
    paper: str | None
    date: str | None
    title: str

    @classmethod
    def of(cls, article: Article) -> "CopyOut":
        return cls(article_id=article.id, paper=paper_of(article), date=article.date, title=article.title)
