"""Questions about an article rather than its story, answered from its record (issue 14).

谁写的 / 记者是谁 -> the authors; 哪天发表 -> the publication date; 哪家报纸 -> the paper; 第几版 -> the
page. The article is the one the question retrieves best (临安山核桃这篇报道是谁写的). The answer cites
where the body names the author (本报北京5月18日电（记者蒋雪鸿）) when it does, else the best passage of
that article, as any answer cites its source. Without the field in the record there is no such
answer, and the question goes on to the ordinary answerer.
"""

import re
from dataclasses import dataclass

from qa.answering.compose import Answer, Citation, Draft, ShortAnswer
from qa.models import Article

_ASKS = {
    "authors": re.compile(r"谁写的|作者是谁|作者是哪|记者是谁|哪位记者|哪个记者|谁报道的|谁采写|署名是谁|谁撰写"),
    "date": re.compile(
        r"哪天发表|哪一天发表|什么时候发表|何时发表|哪天刊[登发出]|什么时候刊[登发出]|发表日期|哪天见报"
    ),
    "paper": re.compile(r"哪家报纸|哪份报纸|哪个报纸|哪家报|哪份报|刊登在哪|发表在哪|登在哪|哪家媒体"),
    "page": re.compile(r"第几版|哪一版|哪个版|哪版"),
}


@dataclass(frozen=True)
class MetadataAnswer:
    field: str
    value: str
    article: Article


def asked_field(question: str) -> str | None:
    """Which field of the record the question asks for, or None for a question about the story."""
    return next((name for name, pattern in _ASKS.items() if pattern.search(question)), None)


def _value(article: Article, field: str) -> str | None:
    if field == "authors":
        return "、".join(article.authors) or article.author
    if field == "page":
        return f"第{article.page}版" if article.page else None
    return getattr(article, field)


def metadata_answer(draft: Draft, articles: dict[str, Article]) -> MetadataAnswer | None:
    """The field the question asks for, from the record of the article it retrieves best."""
    field = asked_field(draft.query.text)
    if field is None or not draft.hits:
        return None
    article = articles[draft.hits[0].chunk.article_id]
    value = _value(article, field)
    return MetadataAnswer(field, value, article) if value else None


_SENTENCES = {
    "authors": "《{title}》的作者：{value}。",
    "date": "《{title}》发表于{value}。",
    "paper": "《{title}》刊登在{value}。",
    "page": "《{title}》刊登在{value}。",
}


def compose_metadata(meta: MetadataAnswer, draft: Draft, articles: dict[str, Article], question: str) -> Answer:
    """The answer sentence with its ``[1]`` citation: the body where it names the author, else the best passage."""
    article = meta.article
    hit = next(h for h in draft.hits if h.chunk.article_id == article.id)
    body = article.body
    named = [body.find(name) for name in article.authors if body.find(name) >= 0] if meta.field == "authors" else []
    short = None
    if named:
        start = min(named)
        name = next(n for n in article.authors if body.find(n) == start)
        end = start + len(name)
        paragraph_end = body.find("\n", start)
        cite_end = paragraph_end if paragraph_end >= 0 else len(body)
        cite_start = body.rfind("\n", 0, start) + 1
        cite_end = min(cite_end, max(end, cite_start + 60))
        citation = Citation(1, article, hit.chunk.id, body[cite_start:cite_end], cite_start, cite_end, hit.score)
        short = ShortAnswer(name, start, end, 1, "person")
    else:
        chunk = hit.chunk
        citation = Citation(1, article, chunk.id, chunk.text, chunk.start, chunk.end, hit.score)
    text = _SENTENCES[meta.field].format(title=article.title, value=meta.value) + "[1]"
    others = [
        Citation(n, articles[h.chunk.article_id], h.chunk.id, h.chunk.text, h.chunk.start, h.chunk.end, h.score)
        for n, h in enumerate((h for h in draft.hits if h.chunk.id != citation.chunk_id), start=2)
    ]
    return Answer(question, text, False, [citation, *others], short_answer=short)
