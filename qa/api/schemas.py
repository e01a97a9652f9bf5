"""Request and response models of the HTTP API."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from qa.answer import Answer, Citation
from qa.chat.conversation import MAX_HISTORY_MESSAGES, MAX_MESSAGE_CHARS, Message
from qa.models import Article

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class HistoryMessage(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=MAX_MESSAGE_CHARS)

    def message(self) -> Message:
        return Message(self.role, self.content)


class AskRequest(BaseModel):
    question: Question = Field(description="The question, 1-1000 characters after trimming.")
    top_k: int = Field(5, ge=1, le=20, strict=True, description="How many passages to return (1-20).")
    history: list[HistoryMessage] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_MESSAGES,
        description="Earlier turns, oldest first; a follow-up question is understood from the user turns.",
    )


class CitationOut(BaseModel):
    n: int = Field(description="The number used by the [n] markers in the answer.")
    article_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    chunk_id: str
    text: str = Field(description="The cited text: article body[start:end].")
    start: int = Field(description="Start offset (characters) in the article body.")
    end: int = Field(description="End offset (characters, exclusive) in the article body.")
    score: float = Field(description="Retrieval score of the passage (reciprocal rank fusion).")

    @classmethod
    def of(cls, citation: Citation) -> "CitationOut":
        article = citation.article
        return cls(
            n=citation.n,
            article_id=article.id,
            title=article.title,
            author=article.author,
            date=article.date,
            source=article.source,
            chunk_id=citation.chunk_id,
            text=citation.text,
            start=citation.start,
            end=citation.end,
            score=round(citation.score, 6),
        )


class AskResponse(BaseModel):
    question: str
    answer: str = Field(description="The answer with [n] citation markers; empty when no_answer.")
    no_answer: bool = Field(description="True when nothing in the corpus answers the question.")
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
            citations=[CitationOut.of(c) for c in answer.citations],
            took_ms=round(took_ms, 2),
            resolved_question=resolved_question,
        )


class ArticleOut(BaseModel):
    id: str
    title: str
    subtitle: str | None
    kicker: str | None
    author: str | None
    date: str | None
    source: str
    url: str | None
    paragraphs: list[str]
    body: str = Field(description="Paragraphs joined by newlines; citation offsets index into this.")

    @classmethod
    def of(cls, article: Article) -> "ArticleOut":
        return cls(**article.to_dict(), body=article.body)


class HealthOut(BaseModel):
    status: str = Field(description="'ok' when an index is loaded, 'no_index' otherwise.")
    articles: int
    chunks: int
    model: str
    built_at: str | None
    version: str | None
    worker_pid: int | None = Field(None, description="Process id of the server worker that answered (QA_WORKERS).")


class ErrorOut(BaseModel):
    detail: str
