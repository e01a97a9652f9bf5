"""A page's lines, cleaned, and what the page's layout says about them.

Odd spaces (NBSP, U+3000, the U+2000 family) count as spaces and zero-width characters are dropped.
A line keeps whether it was indented and what came before it: an empty line (articles are often
separated by one) or a line of U+3000/NBSP only (a paragraph left empty inside an article).
"""

import re
from dataclasses import dataclass, field

from qa.ingest.page.furniture import Furniture
from qa.text.sentences import ends_sentence

_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# Whitespace a plain-text export pads with on purpose (ASCII spaces alone may be trailing junk).
_LAYOUT_SPACE = "\u3000\u00a0\u2007\u202f"


@dataclass
class Line:
    number: int  # 1-based, as an editor shows it
    text: str  # ends stripped, each run of whitespace inside one space
    indented: bool
    blank_before: bool = False  # an empty line (or the start of the page) right before
    soft_break: bool = False  # a line of U+3000/NBSP only right before
    furniture: Furniture | None = field(default=None, repr=False)  # what page furniture the line is, if any


@dataclass(frozen=True)
class Layout:
    """Conventions of one page, measured on its lines (never assumed from the paper's name)."""

    indented: bool  # body paragraphs start indented: an unindented line is a headline, byline or intertitle
    blank_separated: bool  # empty lines are rare and separate articles (not every line, as in some exports)
    broken: bool  # many lines end mid-sentence: the layout broke paragraphs, which are joined again


def read_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, cleaned, with their indentation and what preceded them."""
    lines: list[Line] = []
    blank, soft = True, False
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = _ZERO_WIDTH.sub("", raw)
        cleaned = " ".join(raw.split())
        if not cleaned:
            if any(ch in _LAYOUT_SPACE for ch in raw):
                soft = True
            else:
                blank = True
            continue
        lines.append(Line(number, cleaned, raw[:1].isspace(), blank_before=blank, soft_break=soft))
        blank, soft = False, False
    return lines


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def measure_layout(lines: list[Line]) -> Layout:
    """The page's conventions, from its text lines (furniture left out)."""
    text = [line for line in lines if line.furniture is None]
    # Lines of running text: a comma or a full stop inside.
    prose = [line for line in text if len(line.text) >= 12 and re.search("[，。；,]", line.text[:-1])]
    indented = _share([line.indented for line in prose]) >= 0.6 and not all(line.indented for line in text)
    blanks = [line.blank_before for line in text[1:]]
    blank_separated = any(blanks) and _share(blanks) <= 0.3
    # Running text that stops mid-sentence at the end of the line.
    broken = _share([not ends_sentence(line.text) and line.text[-1] not in "：:—" for line in prose]) >= 0.15
    return Layout(indented=indented, blank_separated=blank_separated, broken=broken)
