"""Split articles into passages on Chinese sentence boundaries, with character offsets."""

from qa.models import Article, Chunk
from qa.settings import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE
from qa.text.sentences import sentence_spans

# Bumped whenever the same article and options give other chunks: the manifest records it, and a build
# re-chunks every article of a version made with another. 2: a paragraph's words after its last
# sentence-ending mark are kept (revision 1 dropped them when another paragraph followed).
CHUNKING_REVISION = 2
# Where to cut a sentence that alone is longer than a chunk: after a comma-like mark if there is one.
SOFT_BREAKS = "，,、：:"


def _split_long(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut the span ``[start, end)`` into pieces of at most ``size`` characters, preferring soft breaks."""
    pieces = []
    while end - start > size:
        cut = start + size
        soft = max(text.rfind(mark, start + size // 2, cut) for mark in SOFT_BREAKS)
        if soft != -1:
            cut = soft + 1
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def chunk_article(
    article: Article, size: int = DEFAULT_CHUNK_SIZE, overlap: int = DEFAULT_CHUNK_OVERLAP
) -> list[Chunk]:
    """Pack whole sentences into chunks of about ``size`` characters.

    Consecutive chunks share trailing sentences worth at most ``overlap`` characters, so a fact that
    straddles a boundary is still whole in one chunk. ``article.body[start:end] == chunk.text``.
    """
    if size < 1 or overlap < 0 or overlap >= size:
        raise ValueError(f"need size >= 1 and 0 <= overlap < size, got size={size}, overlap={overlap}")
    body = article.body
    units: list[tuple[int, int]] = []
    for start, end in sentence_spans(body):
        units.extend(_split_long(body, start, end, size))

    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= size:
            last += 1
        start, end = units[first][0], units[last][1]
        chunks.append(Chunk(f"{article.id}:{len(chunks)}", article.id, start, end, body[start:end]))
        if last + 1 >= len(units):
            break
        # Start the next chunk with the trailing sentences that fit in the overlap, but always move on.
        nxt = last + 1
        while nxt - 1 > first and end - units[nxt - 1][0] <= overlap:
            nxt -= 1
        # ... but only sentences that leave room for new text, so no chunk lies inside another.
        while nxt <= last and units[last + 1][1] - units[nxt][0] > size:
            nxt += 1
        first = nxt
    return chunks
