"""Publication dates as ISO ``YYYY-MM-DD``: from printed dates, feed timestamps and article URLs."""

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_FULL = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})")
# Article URLs of Chinese news sites carry the day: /2024/0428/, /2024-04/28/, /20240428/, /202404/28/.
_URL = re.compile(
    r"/(?P<y>(?:19|20)\d{2})(?:/|-|_)?(?P<m>\d{2})(?:/|-|_)?(?P<d>\d{2})(?=[/_.-])"
    r"|/(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{2})/(?P<d2>\d{2})/"
)


def _valid(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def iso_date(text: str | None) -> str | None:
    """The first full date in ``text`` (``2024年4月28日``, ``2024-04-28``, ``2024/4/28``), or None.

    A date without a year (``4月28日``) is not a publication date: None.
    """
    if not text:
        return None
    match = _FULL.search(text)
    return _valid(match["y"], match["m"], match["d"]) if match else None


def url_date(url: str | None) -> str | None:
    """The day an article URL names (``/n1/2024/0428/c1004-…``, ``/content/20260503/…``), or None."""
    if not url:
        return None
    for match in _URL.finditer(url):
        if match["y"]:
            found = _valid(match["y"], match["m"], match["d"])
        else:
            found = _valid(match["y2"], match["m2"], match["d2"])
        if found:
            return found
    return None


def timestamp_date(text: str | None) -> str | None:
    """The calendar day of a feed timestamp in its own time zone.

    ``Tue, 19 May 2026 07:34:42 +0800`` is 19 May where it was published (18 May in UTC, which is what
    feedparser's parsed tuple would give); RFC 822 (RSS) and RFC 3339 (Atom) are both read.
    """
    if not text:
        return None
    text = text.strip()
    parsed: datetime | None = None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return iso_date(text)
    return parsed.date().isoformat()
