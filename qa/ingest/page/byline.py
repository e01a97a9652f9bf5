"""Who wrote an article, as a page prints it outside the dateline.

- a byline line: ``本报记者  朱  隽``, ``新华社记者 刘赞　陈泽安``, ``新华社记者`` (names on the next
  line), or bare names under a commentary's headline (``姚雪青``);
- a closing credit: ``（李吉莲）``, ``(惠晓婧)`` on its own or after the last sentence,
  ``（陈立希 新华社专特稿）``, a signature line ``徐  之文``;
- a photo credit, kept in the text: ``沈春琛摄（影像中国）``, ``以上图片均为本报记者张武军摄``.
"""

import re

from qa.ingest.names import parse_names

MAX_BYLINE_CHARS = 60
_BRACKETED = re.compile(r"^[（(]\s*(?P<inner>[^（）()]{1,40}?)\s*[)）]$")
_TRAILING = re.compile(r"(?<=[。！？!?…”」』])\s*[（(]\s*(?P<inner>[^（）()]{1,40}?)\s*[)）]$")
_PHOTO = re.compile(
    r"(?:^|(?<=[。！？”）)]))\s*[（(]?(?:以上)?(?:图片|照片|图)?均?(?:为|由)?\s*"
    r"(?P<who>[^。！？（）()]{2,40}?)\s*[/／]?\s*摄(?:影)?\s*(?:[（(][^（）()]{0,20}[)）]|[)）])?$"
)


def byline(text: str) -> list[str] | None:
    """The names of a byline line with a role word (``本报记者  朱  隽``; ``新华社记者`` gives []), else None."""
    if len(text) > MAX_BYLINE_CHARS or text.endswith("摄"):
        return None
    parsed = parse_names(text, need_role=True)
    return parsed[0] if parsed else None


def bare_names(text: str) -> list[str] | None:
    """Names alone on a line, each starting with a common surname (``姚雪青``, ``徐  之文``), else None."""
    if len(text) > 30 or _PHOTO.search(text):
        return None
    parsed = parse_names(text)
    return parsed[0] if parsed and parsed[0] and len(parsed[0]) <= 4 else None


def closing_credit(paragraph: str) -> tuple[str, list[str]] | None:
    """(the paragraph without it, the names) for a closing credit, else None."""
    whole = _BRACKETED.match(paragraph)
    if whole:
        parsed = parse_names(whole.group("inner"))
        return ("", parsed[0]) if parsed and parsed[0] else None
    trailing = _TRAILING.search(paragraph)
    if trailing:
        parsed = parse_names(trailing.group("inner"))
        if parsed and parsed[0]:
            return paragraph[: trailing.start()].rstrip(), parsed[0]
    names = bare_names(paragraph)
    return ("", names) if names else None


def photographers(paragraph: str) -> list[str]:
    """The photographers a photo credit names (``沈春琛摄（影像中国）``), or []."""
    match = _PHOTO.search(paragraph)
    if not match:
        return []
    parsed = parse_names(match.group("who"), bare_surnames=False)
    return parsed[0] if parsed else []
