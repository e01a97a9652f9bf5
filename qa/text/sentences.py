"""Chinese text helpers shared by parsing, chunking and answering."""

import re
from functools import cache

# Characters that end a sentence. Half-width '.' is left out: it appears in numbers (1.1亿元).
SENTENCE_END = "。！？!?；;…"
# Closing quotes and brackets that belong to the sentence they close.
CLOSERS = "”’」』）)》】〕\"'"


@cache
def _sentence_re(ends: str) -> re.Pattern[str]:
    # A run of text up to a newline or an end mark, then the end marks and closers if any: a paragraph's
    # last words are a sentence even without a mark. The run is possessive (*+): nothing is tried twice,
    # so a long unpunctuated paragraph costs its length, not its length squared.
    return re.compile(rf"[^{re.escape(ends)}\n]*+(?:[{re.escape(ends)}]+[{re.escape(CLOSERS)}]*)?")


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence-final punctuation (closing quotes allowed after it)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def sentence_spans(text: str, ends: str = SENTENCE_END) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``: never across a newline, surrounding whitespace excluded.

    ``ends`` are the characters that close a sentence (answers leave out the semicolons).
    """
    spans = []
    for match in _sentence_re(ends).finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
