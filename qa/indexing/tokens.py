"""Tokens of chunk texts for the keyword index: which need segmenting, from the cache or from jieba."""

import hashlib
import re
from concurrent.futures import Future

import jieba

from qa.index.chunk_cache import ChunkCache, text_key
from qa.index.terms import TermCounts
from qa.indexing.carry_over import CarriedOver
from qa.models import Chunk
from qa.text.segmentation import STOPWORDS, Tokenizer

# Tokens depend on jieba, how corpus words are added (revision 2: frequencies against jieba's own dictionary)
# and the stopword list: a change to any must not reuse cached tokens.
TOKENS_KIND = "jieba-{}-words2-{}".format(
    jieba.__version__, hashlib.blake2b(" ".join(sorted(STOPWORDS)).encode(), digest_size=6).hexdigest()
)


class TextKeys:
    """Cache keys of chunk texts, computed only for the chunks that need the cache (hashing every text costs
    half a second at 100k chunks)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self._chunks = chunks
        self._keys: dict[int, bytes] = {}

    def __getitem__(self, i: int) -> bytes:
        key = self._keys.get(i)
        if key is None:
            key = self._keys[i] = text_key(self._chunks[i].text)
        return key

    def all(self) -> list[bytes]:
        return [self[i] for i in range(len(self._chunks))]


class ChunkTokens:
    """Tokens of the chunks whose term counts are not carried over: from the cache, else from jieba."""

    def __init__(
        self, chunks: list[Chunk], carried: CarriedOver, keys: TextKeys, cache: ChunkCache, stale: list[int], full: bool
    ) -> None:
        self._chunks = chunks
        self._carried = carried
        self._cache = cache
        need = carried.need_tokens().tolist()
        self._keys = [keys[i] for i in need]
        self._found = {} if full else cache.tokens(TOKENS_KIND, set(self._keys))
        for i in stale:
            self._found.pop(keys[i], None)
        self._missing = {key: i for i, key in zip(need, self._keys) if key not in self._found}

    def compute(self, tokenizer: Tokenizer) -> list[tuple[bytes, list[str]]]:
        """Segment the texts not found (runs in a thread beside the embedder)."""
        texts = [self._chunks[i].text for i in self._missing.values()]
        return list(zip(self._missing, tokenizer.tokens_of_all(texts), strict=True))

    def term_counts(self, computed: "Future[list[tuple[bytes, list[str]]]]") -> TermCounts:
        """Every chunk's term counts, once ``computed`` is done; its tokens go to the cache."""
        fresh = computed.result()
        if fresh:
            self._cache.put_tokens(TOKENS_KIND, fresh)
        self._found.update(fresh)
        return self._carried.term_counts([self._found[key] for key in self._keys])


def containing(chunks: list[Chunk], words: set[str]) -> list[int]:
    """Positions of the chunks whose text contains any of ``words``."""
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return [i for i, chunk in enumerate(chunks) if pattern.search(chunk.text)]
