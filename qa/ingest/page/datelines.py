"""Datelines: where and when a report was filed, as printed at its start or end.

``本报北京4月27日电  （记者吴储岐）``, ``新华社开罗5月3日电据中国驻埃及使馆…`` (glued to the text),
``据新华社北京/德黑兰4月26日电`` or ``（本报华沙、首尔、柏林6月23日电）`` closing the story. The
bracket after a leading dateline names its reporters. ``本报讯`` leads a report but names no place.
"""

import re
from dataclasses import dataclass

from qa.ingest.names import parse_names

_AGENCY = r"(?:本报|新华社|中新社|中新网|人民网|新华网|央视网|央广网|光明网|国际在线|海外网|中国新闻网|中国日报网)"
_OTHER_AGENCY = r"[\u4e00-\u9fff]{2,8}?(?:日报|晚报|早报|时报|商报|青年报|报社|通讯社|新闻社|电视台|广播电台|客户端|网)"
_NUMBER = r"[\d〇零一二三四五六七八九十]{1,3}"
_DATE = rf"(?:{_NUMBER}月)?{_NUMBER}日"
_PLACE = r"[\u4e00-\u9fff、/／·]{1,20}?"
_NOT_A_PLACE = r"(?!记者|通讯员|评论员|特约|讯)"
# A place of at most six characters may come without a date (新华社北京电); a longer run needs one, so
# that 本报记者近日从国家电网… is not read as a dateline.
DATELINE = (
    rf"(?:据)?(?:{_AGENCY}{_NOT_A_PLACE}(?:{_PLACE}{_DATE}|{_DATE}|[\u4e00-\u9fff、/／·]{{1,6}}?)?"
    rf"|{_OTHER_AGENCY}{_PLACE}{_DATE})电"
)
LEAD_RE = re.compile(rf"^(?:(?P<dateline>{DATELINE})|本报讯)\s*(?:[（(](?P<who>[^（）()]{{1,60}})[)）])?")
CLOSING_RE = re.compile(
    rf"(?:^[（(](?P<bracketed>{DATELINE})[)）]|(?:^|(?<=[。！？”」）)…\s]))(?P<dateline>{DATELINE}))$"
)


@dataclass(frozen=True)
class Lead:
    """A paragraph's leading dateline (None for 本报讯) and the reporters its bracket names."""

    dateline: str | None
    reporters: tuple[str, ...]
    end: int  # where the dateline and its bracket end in the paragraph


def lead(paragraph: str) -> Lead | None:
    match = LEAD_RE.match(paragraph)
    if not match:
        return None
    reporters: tuple[str, ...] = ()
    if match.group("who"):
        parsed = parse_names(match.group("who"), bare_surnames=False)
        if parsed is None:  # a bracket that is text, not names: the dateline alone
            return Lead(match.group("dateline"), (), match.start("who") - 1)
        reporters = tuple(parsed[0])
    return Lead(match.group("dateline"), reporters, match.end())


def closing(paragraph: str) -> str | None:
    """The dateline a paragraph ends with (``…汗水中。 新华社南昌5月2日电``), if any."""
    match = CLOSING_RE.search(paragraph)
    return (match.group("bracketed") or match.group("dateline")) if match else None


def first_dateline(paragraphs: list[str]) -> str | None:
    """The first dateline of an article, leading or closing a paragraph."""
    for paragraph in paragraphs:
        found = lead(paragraph)
        if found and found.dateline:
            return found.dateline
        end = closing(paragraph)
        if end:
            return end
    return None


def reporters(paragraphs: list[str]) -> list[str]:
    """The reporters named after every leading dateline, in order."""
    names: list[str] = []
    for paragraph in paragraphs:
        found = lead(paragraph)
        if found:
            names.extend(found.reporters)
    return names
