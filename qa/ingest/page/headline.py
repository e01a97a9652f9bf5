"""Headlines of one to four lines: 引题 (kicker) above the title, the title, 副题 (subtitle) below.

What the text keeps of the print layout decides, in this order:

1. a line ending ``——`` or ``：``, or a speech verb (``…座谈时强调``), is a kicker; a line starting
   ``——`` is a subtitle;
2. of two lines left, the title is the one carrying a column tag (``（国际视点）``) or split in two
   by a space (``临安山核桃  果香满山坡``);
3. a first line of at most eight characters' width is a title broken over two lines (``31项世界第一``);
4. a first line half as wide again as the second is the kicker; otherwise the lines are title and subtitle.

Three lines are kicker, title and subtitle; four, a kicker, a title of two lines and a subtitle.
"""

import re

from qa.text.sentences import ends_sentence

MAX_HEADLINE_CHARS = 60
KICKER_END_RE = re.compile(r"(?:——|—|：|:|(?:强调|指出|表示|要求|提出|时说|寄语|批示|指示|致信|回信))$")
SUBTITLE_START_RE = re.compile(r"^(?:——|—|－－|--)")
COLUMN_TAG_RE = re.compile(r"[（(][^（）()]{2,16}[)）]$")
GAP_RE = re.compile(r"\S\s\S")  # two parts of one headline, set apart by a space
WRAPPED_TITLE_WIDTH = 8
KICKER_RATIO = 1.45


def looks_like_headline(text: str) -> bool:
    """Short, and not running text: a headline may end with ？ or ！ but holds no 。 and closes its 《book titles》."""
    if len(text) > MAX_HEADLINE_CHARS or "。" in text or text[-1] in "，,、；;" or text.count("《") > text.count("》"):
        return False
    if text[-1] in "！？!?" and len(text) <= 40:
        return True
    return not ends_sentence(text) and not re.fullmatch(r"[（(].*[)）]", text)


def width(text: str) -> float:
    """Printed width in characters: digits and Latin letters take half a character."""
    core = COLUMN_TAG_RE.sub("", text)
    return sum(0.5 if ch.isascii() else 1.0 for ch in core if not ch.isspace())


def _pair(a: str, b: str) -> str:
    """How two headline lines relate: 'kicker' (a is the kicker), 'subtitle' (b is) or 'wrapped' (one title)."""
    if COLUMN_TAG_RE.search(b) or (GAP_RE.search(b) and not GAP_RE.search(a)):
        return "kicker"
    if COLUMN_TAG_RE.search(a) or (GAP_RE.search(a) and not GAP_RE.search(b)):
        return "subtitle"
    if width(a) <= WRAPPED_TITLE_WIDTH < width(b):
        return "wrapped"
    return "kicker" if width(a) >= KICKER_RATIO * width(b) else "subtitle"


def _join(lines: list[str]) -> str | None:
    return " ".join(lines) or None


def split_headline(lines: list[str]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle) of a headline block of one or more lines."""
    if not lines:
        raise ValueError("a headline needs at least one line")
    rest = list(lines)
    kickers: list[str] = []
    subtitles: list[str] = []
    while len(rest) > 1 and SUBTITLE_START_RE.match(rest[-1]):
        subtitles.insert(0, rest.pop())
    while len(rest) > 1 and KICKER_END_RE.search(rest[0]):
        kickers.append(rest.pop(0))
    if len(rest) >= 3 and not kickers:
        kickers.append(rest.pop(0))
    if len(rest) >= 3 and not subtitles:
        subtitles.insert(0, rest.pop())
    if len(rest) == 2:
        relation = _pair(*rest)
        if relation == "kicker" and not kickers:
            kickers.append(rest.pop(0))
        elif relation == "subtitle" and not subtitles:
            subtitles.insert(0, rest.pop())
    return _join(kickers), " ".join(rest), _join(subtitles)
