"""An article's body lines as paragraphs.

A line starts a new paragraph, except where the layout broke one: a line that continues a
《book title》 left open, an unindented line after an unfinished paragraph on a page that indents its
paragraphs, or, on a page whose lines often stop mid-sentence, any line after an unfinished one.
A line of U+3000/NBSP only always ends the paragraph before it.
"""

from qa.ingest.page.lines import Layout, Line
from qa.text.sentences import ends_sentence


def _open_book_title(text: str) -> bool:
    return text.count("《") > text.count("》")


def _continues(previous: str, line: Line, layout: Layout) -> bool:
    if line.soft_break:
        return False
    if _open_book_title(previous):
        return True
    if ends_sentence(previous) or previous.endswith("—"):  # a sentence, or an intertitle (波兰——)
        return False
    if layout.indented:
        return not line.indented and previous[-1] not in "：:"
    return layout.broken


def paragraphs(lines: list[Line], layout: Layout) -> list[str]:
    """The paragraphs of ``lines``, broken ones joined again."""
    result: list[str] = []
    for line in lines:
        if result and _continues(result[-1], line, layout):
            result[-1] += line.text
        else:
            result.append(line.text)
    return result
