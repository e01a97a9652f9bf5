"""Chinese text helpers shared by parsing, chunking and answering."""

import re

# Characters that end a sentence. Half-width '.' is left out: it appears in numbers (1.1亿元).
SENTENCE_END = "。！？!?；;…"
# Closing quotes and brackets that belong to the sentence they close.
CLOSERS = "”’」』）)》】〕\"'"

_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*|$)")


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence-final punctuation (closing quotes allowed after it)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``: never across a newline, surrounding whitespace excluded."""
    spans = []
    for match in _SENTENCE_RE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
