"""Large indexes without embedding them: seed the build cache with composed vectors and tokens.

``seed_cache`` writes, for every chunk of a corpus, the vector and tokens ``bench.corpus.Composer``
composes into the index's cache (``qa/index/chunk_cache.py``). The ordinary build then finds every chunk
in the cache and embeds nothing: the base index goes through the real build path (reading, chunking,
BM25, FAISS, writing a version) in minutes instead of hours.
"""

import hashlib
import logging
import time
from pathlib import Path

import numpy as np

from bench.corpus import Composer, Pool, chunk_records
from qa.embedders.protocol import Embedder
from qa.index.chunk_cache import CACHE_FILE, ChunkCache, text_key
from qa.indexing.build import TOKENS_KIND
from qa.text.segmentation import Tokenizer

logger = logging.getLogger(__name__)

BATCH = 5000


def sentence_vectors(pool: Pool, embedder: Embedder, cache_dir: Path) -> np.ndarray:
    """The real model's vectors of every pool sentence, kept in ``cache_dir`` between runs."""
    digest = hashlib.blake2b("\n".join(pool.sentences).encode(), digest_size=8).hexdigest()
    variant = f"{type(embedder).__name__}-{getattr(embedder, 'quantize', 'none')}"
    path = cache_dir / f"sentences-{embedder.name.replace('/', '_')}-{variant}-{digest}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape == (len(pool.sentences), embedder.dimension):
            return vectors
    started = time.perf_counter()
    vectors = embedder.encode(pool.sentences)
    logger.info("embedded %d pool sentences in %.1f s", len(pool.sentences), time.perf_counter() - started)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def composer_for(pool: Pool, embedder: Embedder, tokenizer: Tokenizer, cache_dir: Path) -> Composer:
    return Composer(pool.sentences, sentence_vectors(pool, embedder, cache_dir), tokenizer.tokens)


def seed_cache(
    index_dir: Path, records: list[dict], composer: Composer, model: str, chunk_size: int = 240, overlap: int = 60
) -> int:
    """Put composed vectors and tokens of every chunk of ``records`` in the index's cache; returns chunks seeded."""
    seen: set[bytes] = set()
    count = 0
    with ChunkCache(index_dir / CACHE_FILE) as cache:
        vectors: list[tuple[bytes, np.ndarray]] = []
        tokens: list[tuple[bytes, list[str]]] = []

        def flush() -> None:
            cache.put_vectors(model, vectors)
            cache.put_tokens(TOKENS_KIND, tokens)
            vectors.clear()
            tokens.clear()

        for chunk in chunk_records(records, chunk_size, overlap):
            count += 1
            key = text_key(chunk.text)
            if key in seen:
                continue
            seen.add(key)
            vectors.append((key, composer.vector(chunk.text)))
            tokens.append((key, composer.tokens(chunk.text)))
            if len(vectors) >= BATCH:
                flush()
        flush()
    return count
