"""Publication dates as ISO ``YYYY-MM-DD``, from what a page prints or a file is named.

Only a date with a year becomes a date: ``2026年05月19日``, ``2026-04-28``, ``2026/4/28``, or the
digits of a file name like ``rmrb_20260428_10.txt``. A bare ``4月6日`` or ``昨天`` says nothing about
the year, so it is never turned into one.
"""

import datetime
import re
from pathlib import PurePosixPath

DATE_TEXT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?!\d)")
# 20260428 in a file or folder name; separators allowed (2026-04-28, 2026_04_28).
NAME_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")

# What may follow a date: a time (2026-04-28T08:00:00+08:00, 2026年4月28日 08:00).
TIME_RE = re.compile(r"[T\s]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _valid(year: str, month: str, day: str) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first date with a year in ``text`` as ISO, or None (``4月6日`` alone is None)."""
    for match in DATE_TEXT_RE.finditer(text):
        iso = _valid(*match.groups())
        if iso:
            return iso
    return None


def iso_date(value: str) -> str:
    """``value`` (a date with a year, or an ISO date-time) as ``YYYY-MM-DD``; ValueError naming it otherwise."""
    text = value.strip()
    match = DATE_TEXT_RE.match(text)
    iso = _valid(*match.groups()) if match else None
    rest = text[match.end() :].strip() if match else text
    if iso is None or (rest and not TIME_RE.fullmatch(rest)):
        raise ValueError(f"must be a real date with a year, like 2026-04-28; got {value!r}")
    return iso


def date_from_name(source: str) -> str | None:
    """The date in a corpus file's name (``rmrb_20260428_10.txt``), else in its folders' names, nearest first."""
    path = PurePosixPath(source)
    for part in [path.stem, *reversed(path.parent.parts)]:
        for match in NAME_DATE_RE.finditer(part):
            iso = _valid(*match.groups())
            if iso:
                return iso
    return None
