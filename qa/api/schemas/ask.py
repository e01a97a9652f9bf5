"""Request and response models of the HTTP API."""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from qa.answering.compose import Answer, Citation, ShortAnswer
from qa.answering.scope import paper_of
from qa.api.schemas.news import CopyOut, NewsFilters
from qa.chat.conversation import MAX_HISTORY_MESSAGES, MAX_MESSAGE_CHARS, Message
from qa.models import Article

MAX_QUESTION_CHARS = 1000
# "Contains a character that is not whitespace", with Python's idea of whitespace (what str.strip()
# removes), written so JSON Schema (ECMA) and Python regexes read it alike: the documented rule is
# exactly the enforced one.
NOT_BLANK = "[^\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


def _not_blank(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("must contain text, not only whitespace")
    return text


def whole_number(value: Any) -> Any:
    """JSON does not tell 5 from 5.0; both are the integer 5 (strings and booleans stay refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Question = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra={"pattern": NOT_BLANK}),
    AfterValidator(_not_blank),
]
TopK = Annotated[int, Field(ge=1, le=20, strict=True), BeforeValidator(whole_number)]


class HistoryMessage(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=MAX_MESSAGE_CHARS)

    def message(self) -> Message:
        return Message(self.role, self.content)


class AskRequest(NewsFilters):
    question: Question = Field(description="The question: 1-1000 characters, not only whitespace (trimmed).")
    top_k: TopK = Field(5, description="How many passages to return (1-20).")
    history: list[HistoryMessage] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_MESSAGES,
        description="Earlier turns, oldest first; a follow-up question is understood from the user turns.",
    )


class CitationOut(BaseModel):
    n: int = Field(description="The number used by the [n] markers in the answer.")
    article_id: str
    title: str
    author: str | None = Field(description="The authors joined by '、' (null when none is named).")
    authors: list[str] = Field(description="Every author, in printed order.")
    date: str | None = Field(description="Publication date, YYYY-MM-DD.")
    dateline: str | None = Field(description="Place and date as printed (本报北京4月27日电).")
    paper: str | None = Field(description="The paper that printed the article (人民日报), if known.")
    page: str | None = Field(description="The page (版) it was printed on: '10' for 第 10 版.")
    source: str
    chunk_id: str
    text: str = Field(description="The cited text: article body[start:end].")
    start: int = Field(description="Start offset (characters) in the article body.")
    end: int = Field(description="End offset (characters, exclusive) in the article body.")
    score: float = Field(description="Retrieval score of the passage (reciprocal rank fusion).")
    also_in: list[CopyOut] = Field(
        default_factory=list, description="Other copies of this story (another paper, another headline)."
    )

    @classmethod
    def of(cls, citation: Citation) -> "CitationOut":
        article = citation.article
        return cls(
            n=citation.n,
            article_id=article.id,
            title=article.title,
            author=article.author,
            authors=list(article.authors),
            date=article.date,
            dateline=article.dateline,
            paper=paper_of(article),
            page=article.page,
            source=article.source,
            chunk_id=citation.chunk_id,
            text=citation.text,
            start=citation.start,
            end=citation.end,
            score=round(citation.score, 6),
            also_in=[CopyOut.of(copy) for copy in citation.also_in],
        )


class ShortAnswerOut(BaseModel):
    """The phrase that answers, inside the sentence of citation ``citation``: article body[start:end]."""

    text: str = Field(description="The phrase, e.g. 4000万元 for 给人民医院捐了多少.")
    start: int = Field(description="Start offset (characters) in the article body.")
    end: int = Field(description="End offset (characters, exclusive) in the article body.")
    citation: int = Field(description="The n of the citation whose sentence holds it.")
    kind: Literal["number", "amount", "date", "time", "person", "org", "place"] = Field(
        description="What the question asks for."
    )

    @classmethod
    def of(cls, short: ShortAnswer | None) -> "ShortAnswerOut | None":
        if short is None:
            return None
        return cls(text=short.text, start=short.start, end=short.end, citation=short.citation, kind=short.kind)


Confidence = Annotated[
    float | None,
    Field(
        description="Estimated chance (0-1) that the answer is right, calibrated on held-out questions (docs/EVAL.md); "
        "when refused, that of the best sentence found. Null for a generated reply.",
    ),
]
Reason = Annotated[
    Literal["not_found", "no_matching_fact", "low_confidence"] | None,
    Field(
        description="Why there is no answer: not_found (no passage covers the question), no_matching_fact (passages "
        "on the topic, none holding the fact asked: another year, place or kind of fact), low_confidence (the best "
        "answer found is below QA_MIN_CONFIDENCE). Null when answered.",
    ),
]


class AskResponse(BaseModel):
    question: str
    answer: str = Field(description="The answer with [n] citation markers; empty when no_answer.")
    no_answer: bool = Field(description="True when nothing in the corpus answers the question.")
    confidence: Confidence = None
    reason: Reason = None
    short_answer: ShortAnswerOut | None = Field(
        None,
        description="The answer phrase when the question asks for a number, amount, date, time, person, organisation "
        "or place and the answer sentence holds exactly one that fits.",
    )
    citations: list[CitationOut]
    took_ms: float
    resolved_question: str | None = Field(
        None, description="What was searched for when the question was a follow-up understood from the history."
    )

    @classmethod
    def of(cls, answer: Answer, took_ms: float, resolved_question: str | None = None) -> "AskResponse":
        return cls(
            question=answer.question,
            answer=answer.text,
            no_answer=answer.no_answer,
            confidence=answer.confidence,
            reason=answer.reason if answer.no_answer else None,
            short_answer=ShortAnswerOut.of(answer.short_answer),
            citations=[CitationOut.of(c) for c in answer.citations],
            took_ms=round(took_ms, 2),
            resolved_question=resolved_question,
        )


class ArticleOut(BaseModel):
    id: str
    title: str
    subtitle: str | None
    kicker: str | None
    author: str | None = Field(description="The authors joined by '、' (null when none is named).")
    authors: list[str] = Field(description="Every author, in printed order.")
    date: str | None = Field(description="Publication date, YYYY-MM-DD.")
    dateline: str | None = Field(description="Place and date as printed (本报北京4月27日电).")
    paper: str | None = Field(None, description="The paper that printed the article (人民日报), if known.")
    page: str | None = Field(description="The page (版) it was printed on: '10' for 第 10 版.")
    source: str
    url: str | None
    paragraphs: list[str]
    body: str = Field(description="Paragraphs joined by newlines; citation offsets index into this.")
    copies: list[CopyOut] = Field(
        default_factory=list, description="Other copies of this story (another paper, another headline)."
    )

    @classmethod
    def of(cls, article: Article, copies: list[Article] | None = None) -> "ArticleOut":
        fields = {**article.to_dict(), "paper": paper_of(article)}
        return cls(**fields, body=article.body, copies=[CopyOut.of(copy) for copy in copies or []])


class HealthOut(BaseModel):
    status: str = Field(description="'ok' when an index is loaded, 'no_index' otherwise.")
    articles: int
    chunks: int
    model: str
    built_at: str | None
    version: str | None
    store: str = Field("faiss", description="Where the versions are served from: 'faiss' (files) or 'milvus'.")
    worker_pid: int | None = Field(None, description="Process id of the server worker that answered (QA_WORKERS).")
    problem: str | None = Field(
        None, description="Why the index on disk is not (or not all) being served, e.g. a damaged new version."
    )


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: 'body', then the field path.")
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error outside /v1: ``message`` is one line naming the problem (and the field)."""

    detail: str | list[FieldError] = Field(description="The message, or for a validation error each problem.")
    message: str = Field(description="What was wrong, e.g. 'top_k: Input should be less than or equal to 20'.")


ERROR = {"model": ErrorOut}
# The errors any route with a JSON body can answer (bodies are limited by QA_MAX_BODY_BYTES).
BODY_ERRORS = {413: ERROR, 415: ERROR, 422: ERROR}
