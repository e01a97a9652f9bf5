"""Parse a newspaper page text file into its articles.

A page holds several articles. Each starts with one to three headline lines (kicker, title,
subtitle), usually followed by a 本报讯 lead, and usually ends with the author in brackets. The page
layout breaks paragraphs mid-sentence with a blank line; those pieces are joined again.
"""

import re
from dataclasses import dataclass, field

from qa.errors import IngestError
from qa.models import Article, content_id
from qa.text.sentences import SENTENCE_END, ends_sentence

MAX_HEADLINE_CHARS = 60
LEAD_RE = re.compile(r"^(本报讯|本报(?:记者|通讯员)|本报[^\s，,。]{1,8}电|新华社|据新华社|中新社|人民网)")
DATE_RE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日|昨天|今天|前天|昨日|今日|日前|近日")
# Author names: CJK names, optionally with roles (记者 张三 通讯员 李四), in full- or half-width brackets.
_NAMES = r"[\u4e00-\u9fff·•][\u4e00-\u9fff·•、 　]{0,29}"
AUTHOR_LINE_RE = re.compile(rf"^[（(]\s*({_NAMES})\s*[)）]$")
TRAILING_AUTHOR_RE = re.compile(rf"[（(]\s*({_NAMES})\s*[)）]\s*$")


@dataclass
class _Block:
    line: int
    text: str


@dataclass
class _Draft:
    headline: list[str]
    line: int
    paragraphs: list[str] = field(default_factory=list)
    author: str | None = None


def _is_headline_candidate(text: str) -> bool:
    return (
        len(text) <= MAX_HEADLINE_CHARS
        and not any(ch in SENTENCE_END for ch in text)
        and text[-1] not in "，,、：:"
        and not AUTHOR_LINE_RE.match(text)
    )


def _split_trailing_author(text: str) -> tuple[str, str | None]:
    """Remove a bracketed author at the end of a paragraph that already ended its last sentence."""
    match = TRAILING_AUTHOR_RE.search(text)
    if not match:
        return text, None
    before = text[: match.start()].rstrip()
    if before and not ends_sentence(before):
        return text, None
    return before, _clean_author(match.group(1))


def _clean_author(name: str) -> str:
    return re.sub(r"[\s　]+", " ", name).strip()


def _blocks(text: str) -> list[_Block]:
    blocks = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = re.sub(r"[ \t　]+", " ", raw).strip()
        if line:
            blocks.append(_Block(number, line))
    return blocks


def _headline_run(blocks: list[_Block], i: int) -> int:
    """Length of the run of headline-like lines starting at ``i``."""
    j = i
    while j < len(blocks) and _is_headline_candidate(blocks[j].text):
        j += 1
    return j - i


def _split_headline(lines: list[str]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle): one line is the title; two are title and subtitle; three add a kicker."""
    if len(lines) == 1:
        return None, lines[0], None
    if len(lines) == 2:
        return None, lines[0], lines[1]
    return lines[0], lines[1], " ".join(lines[2:])


def _find_date(paragraphs: list[str]) -> str | None:
    if not paragraphs:
        return None
    lead = paragraphs[0]
    window = lead[:160] if LEAD_RE.match(lead) else lead[:60]
    match = DATE_RE.search(window)
    return match.group(0) if match else None


def _finish(draft: _Draft, source: str) -> Article:
    kicker, title, subtitle = _split_headline(draft.headline) if draft.headline else (None, "", None)
    paragraphs = tuple(draft.paragraphs)
    if not title:
        first = paragraphs[0]
        title = first[: min(len(first), 30)]
    body = "\n".join(paragraphs)
    return Article(
        id=content_id(title, body),
        title=title,
        subtitle=subtitle,
        kicker=kicker,
        author=draft.author,
        date=_find_date(draft.paragraphs),
        source=source,
        paragraphs=paragraphs,
    )


def parse_page(text: str, source: str) -> tuple[list[Article], list[IngestError]]:
    """Split one page into articles. Returns the articles and the problems found (never raises for content)."""
    blocks = _blocks(text)
    articles: list[Article] = []
    problems: list[IngestError] = []
    draft: _Draft | None = None
    closed = True  # at the start of the page, or right after an author line

    def close() -> None:
        nonlocal draft
        if draft is not None:
            if draft.paragraphs:
                articles.append(_finish(draft, source))
            else:
                headline = " / ".join(draft.headline)
                problems.append(IngestError(source, f"headline {headline!r} has no text below it", draft.line))
        draft = None

    i = 0
    while i < len(blocks):
        block = blocks[i]
        run = _headline_run(blocks, i)
        if run:
            after = blocks[i + run].text if i + run < len(blocks) else ""
            if closed or run >= 2 or LEAD_RE.match(after):
                close()
                draft = _Draft(headline=[b.text for b in blocks[i : i + min(run, 3)]], line=block.line)
                # A run longer than three lines: the rest are body fragments of the new article.
                for extra in blocks[i + 3 : i + run]:
                    draft.paragraphs.append(extra.text)
                closed = False
                i += run
                continue
        if draft is None:
            draft = _Draft(headline=[], line=block.line)
        author_line = AUTHOR_LINE_RE.match(block.text)
        if author_line:
            draft.author = draft.author or _clean_author(author_line.group(1))
            closed = True
            i += 1
            continue
        paragraph, author = _split_trailing_author(block.text)
        if draft.paragraphs and not ends_sentence(draft.paragraphs[-1]):
            # The layout broke this paragraph mid-sentence: glue the pieces back together.
            draft.paragraphs[-1] += paragraph
        elif paragraph:
            draft.paragraphs.append(paragraph)
        if author:
            draft.author = draft.author or author
        closed = author is not None
        i += 1
    close()
    return articles, problems
