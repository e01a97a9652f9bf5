"""One vector per chunk for a build: from the text cache, else the previous version, else the embedder."""

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np

from qa.embedders.protocol import BatchEmbedder, Embedder
from qa.index.chunk_cache import ChunkCache, text_key
from qa.index.dense import DenseIndex
from qa.index.store import manifest_space
from qa.indexing.previous import Previous
from qa.models import Chunk

logger = logging.getLogger(__name__)

# Texts embedded per call and committed to the cache together: what a killed build can lose.
EMBED_BATCH = 256


def chunk_vectors(
    chunks: list[Chunk],
    keys: list[bytes],
    embedder: Embedder,
    cache: ChunkCache,
    *,
    previous: Previous | None,
    full: bool,
    show_progress: bool,
    carried_rows: set[int] | frozenset[int] = frozenset(),
) -> tuple[np.ndarray, int]:
    """One vector per chunk: from the cache, else the previous version, else the embedder."""
    dimension = embedder.dimension
    found = {} if full else cache.vectors(embedder.space, set(keys), dimension)
    texts = {key: chunk.text for key, chunk in zip(keys, chunks) if key not in found}
    if texts and previous is not None and not full:
        seeded = _from_previous(previous, embedder, texts, carried_rows)
        if seeded:
            cache.put_vectors(embedder.space, seeded.items())
            found.update(seeded)
            texts = {key: text for key, text in texts.items() if key not in seeded}
    # Shortest first: batches of similar lengths pad less (the model pads each batch to its longest text).
    missing = sorted(texts.items(), key=lambda item: len(item[1]))
    logger.info("embedding %d new chunk texts (%d from the cache)", len(missing), len(found))
    progress = _progress(len(missing), "embedding", show_progress)
    batches = [missing[start : start + EMBED_BATCH] for start in range(0, len(missing), EMBED_BATCH)]
    for batch, vectors in zip(batches, _encode_batches(embedder, [[text for _, text in b] for b in batches])):
        if vectors.shape != (len(batch), dimension):
            raise RuntimeError(f"embedder returned shape {vectors.shape} for {len(batch)} texts")
        pairs = [(key, vector) for (key, _), vector in zip(batch, vectors)]
        cache.put_vectors(embedder.space, pairs)  # committed: survives a build killed after this
        found.update(pairs)
        if progress is not None:
            progress.update(len(batch))
    if progress is not None:
        progress.close()
    if not chunks:
        return np.zeros((0, dimension), dtype=np.float32), len(missing)
    return np.stack([found[key] for key in keys]).astype(np.float32, copy=False), len(missing)


def _encode_batches(embedder: Embedder, batches: list[list[str]]) -> Iterator[np.ndarray]:
    """Vectors of each batch in order. A distributed embedder (``encode_batches``, e.g.
    ``qa.embedders.ray.RayEmbedder``) embeds later batches while earlier ones are committed."""
    if isinstance(embedder, BatchEmbedder):
        yield from embedder.encode_batches(batches)
    else:
        for texts in batches:
            yield embedder.encode(texts)


def _from_previous(
    previous: Previous, embedder: Embedder, texts: dict[bytes, str], skip: set[int] | frozenset[int] = frozenset()
) -> dict[bytes, np.ndarray]:
    """Vectors of ``texts`` stored in the previous version (when its cache entries are gone).

    Rows in ``skip`` (taken over whole by this build) are not looked at: their texts are kept ones."""
    if manifest_space(previous.manifest) != embedder.space or previous.manifest.get("dimension") != embedder.dimension:
        return {}
    rows: dict[bytes, int] = {}
    for row, chunk in enumerate(previous.rows):
        if row in skip:
            continue
        key = text_key(chunk.text)
        if key in texts:
            rows.setdefault(key, row)
    if not rows:
        return {}
    try:
        dense = DenseIndex.load(previous.version_dir / "dense.faiss", mmap=True)
        return {key: dense.vector(r) for key, r in rows.items()}
    except Exception as exc:  # only an optimisation
        logger.warning("cannot read vectors of %s: %s", previous.version_dir, exc)
        return {}


def _progress(total: int, label: str, enabled: bool) -> Any:
    if not enabled or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="chunk")
