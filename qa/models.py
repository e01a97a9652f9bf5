"""The records that flow through the pipeline: articles and their chunks."""

import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Article:
    """One news article. ``body`` is the paragraphs joined by newlines; offsets index into it."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    source: str
    subtitle: str | None = None
    kicker: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()  # every author, in printed order; ``author`` is their "、"-join (or None)
    dateline: str | None = None  # place and date as printed (本报北京4月27日电, 新华社北京4月30日电)
    paper: str | None = None  # 人民日报, 新华每日电讯, a site name
    page: str | None = None  # 第 10 版 -> "10"
    section: str | None = None  # 要闻, a feed's category

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every string, which dominates writing a large index.
        data = dict(self.__dict__)  # the fields, in order (dataclasses.fields per call is slow at 100k)
        data["paragraphs"] = list(self.paragraphs)
        data["authors"] = list(self.authors)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        return cls(**{**data, "paragraphs": tuple(data["paragraphs"]), "authors": tuple(data.get("authors") or ())})

    @property
    def fingerprint(self) -> str:
        """Hash of everything a reader sees; changes when the article is edited."""
        parts = [
            self.title,
            self.subtitle or "",
            self.kicker or "",
            self.author or "",
            self.date or "",
            self.url or "",
            "、".join(self.authors),
            self.dateline or "",
            self.paper or "",
            self.page or "",
            self.section or "",
            self.body,
        ]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def content_id(title: str, body: str) -> str:
    """A stable article id derived from the text, for articles that do not bring their own."""
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class Chunk:
    """A passage of one article: ``article.body[start:end] == text``."""

    id: str
    article_id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "article_id": self.article_id, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        return cls(**data)


def chunks_by_article(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    """Each article's chunks, in their order in ``chunks``."""
    by_article: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_article.setdefault(chunk.article_id, []).append(chunk)
    return by_article
