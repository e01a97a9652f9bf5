"""Load one published version from Milvus: records into memory, searches left in Milvus.

A server loads each new version as it is published. When the new one is a later version of the same
generation as the one it serves (an incremental publish), only the rows born or removed in between
are read (``Loaded``, the state kept from the previous load); otherwise every row.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from qa.errors import IndexStoreError
from qa.index.copies import StoryCopies
from qa.index.milvus import layout
from qa.index.milvus.layout import iterate, visible
from qa.index.milvus.records import read_large, read_small
from qa.index.milvus.search import MilvusDense, MilvusSparse
from qa.index.store import IndexData, check_citations, check_compatible
from qa.models import Article, Chunk

READ_BATCH = 16_000  # rows per query page: Milvus Lite filters the whole collection for each page


@dataclass(frozen=True)
class Loaded:
    """What a load read, kept for the next one: rows by Milvus row number, articles by fingerprint."""

    generation: str
    seq: int
    chunks: dict[int, Chunk]
    articles: dict[str, tuple[int, Article]]  # fingerprint -> (first row, article)


def load_published(
    client: Any, alias: str, name: str, model: str | None, previous: Loaded | None = None
) -> tuple[IndexData, Loaded]:
    """Version ``name``: ``IndexIncompatible`` for another model or format, ``IndexStoreError`` when damaged."""
    meta = layout.meta_name(alias)
    if not client.has_collection(meta):
        raise IndexStoreError(f"index version {name} is not in Milvus (nothing was published under {alias!r})")
    layout.ensure_loaded(client, meta)
    record = read_small(client, meta, f"version/{name}")
    if record is None:
        raise IndexStoreError(f"index version {name} is not in Milvus (removed, or never published whole)")
    manifest = record["manifest"]
    check_compatible(manifest, model, Path(name))
    generation, seq = record["generation"], int(record["seq"])
    chunks_name, articles_name = layout.chunks_name(alias, generation), layout.articles_name(alias, generation)
    if previous is not None and (previous.generation != generation or previous.seq > seq):
        previous = None
    try:
        layout.ensure_loaded(client, chunks_name)
        layout.ensure_loaded(client, articles_name)
        loaded = Loaded(
            generation,
            seq,
            _chunks(client, chunks_name, seq, previous),
            _articles(client, articles_name, seq, previous),
        )
        words = read_large(client, meta, f"words/{name}", record["words"])
        groups = read_large(client, meta, f"stories/{name}", record["stories"])
    except IndexStoreError:
        raise
    except Exception as exc:
        raise IndexStoreError(f"index version {name} cannot be read from Milvus ({_line(exc)})") from exc
    rows = np.fromiter(sorted(loaded.chunks), dtype=np.int64, count=len(loaded.chunks))
    chunks = [loaded.chunks[row] for row in rows.tolist()]
    articles = {article.id: article for _, article in sorted(loaded.articles.values(), key=lambda item: item[0])}
    try:
        _check(name, manifest, articles, chunks)
    except IndexStoreError:
        if previous is None:
            raise
        # Rows removed since the last load may have been pruned meanwhile (a server far behind): read all.
        return load_published(client, alias, name, model)
    dimension = int(manifest["dimension"])
    dense, sparse = MilvusDense(client, chunks_name, seq, rows, dimension), MilvusSparse(client, chunks_name, seq, rows)
    # The first search of a loaded collection builds its in-memory indexes (a second in Milvus Lite): do it now,
    # before the version is served, not in a reader's request.
    dense.search(np.full(dimension, dimension**-0.5, dtype=np.float32), 1)
    if chunks:
        sparse.search(["的"], 1)
    stories = StoryCopies([tuple(g) for g in groups]) if groups is not None else None
    return IndexData(articles, chunks, dense, sparse, manifest, words, stories=stories), loaded


def _changes(seq: int, previous: Loaded | None) -> tuple[str, str | None]:
    """Filters of the rows to add and (after ``previous``) the rows to drop, for version ``seq``."""
    if previous is None:
        return visible(seq), None
    old = previous.seq
    return f"born > {old} and {visible(seq)}", f"died > {old} and died <= {seq}"


def _rows(client: Any, collection: str, expression: str, fields: list[str]) -> Iterator[dict[str, Any]]:
    for batch in iterate(client, collection, expression, fields, READ_BATCH):
        yield from batch


def _chunks(client: Any, collection: str, seq: int, previous: Loaded | None) -> dict[int, Chunk]:
    added, dropped = _changes(seq, previous)
    chunks = dict(previous.chunks) if previous is not None else {}
    if dropped is not None:
        for row in _rows(client, collection, dropped, ["row"]):
            chunks.pop(row["row"], None)
    for row in _rows(client, collection, added, ["row", "record"]):
        chunks[row["row"]] = Chunk.from_dict(orjson.loads(row["record"]))
    return chunks


def _articles(client: Any, collection: str, seq: int, previous: Loaded | None) -> dict[str, tuple[int, Article]]:
    added, dropped = _changes(seq, previous)
    articles = dict(previous.articles) if previous is not None else {}
    if dropped is not None:
        for row in _rows(client, collection, dropped, ["fp"]):
            articles.pop(row["fp"], None)
    parts: dict[str, list[tuple[int, int, str]]] = {}
    for row in _rows(client, collection, added, ["row", "fp", "part", "data"]):
        parts.setdefault(row["fp"], []).append((row["row"], row["part"], row["data"]))
    for fp, pieces in parts.items():
        pieces.sort()
        if [part for _, part, _ in pieces] != list(range(len(pieces))):
            raise IndexStoreError(f"an article record in {collection} has missing parts")
        articles[fp] = (pieces[0][0], Article.from_dict(orjson.loads("".join(data for _, _, data in pieces))))
    return articles


def _check(name: str, manifest: dict[str, Any], articles: dict[str, Article], chunks: list[Chunk]) -> None:
    """What ``qa.index.store.load_version`` checks of a folder: counts, and every chunk inside its article."""
    if (len(articles), len(chunks)) != (manifest.get("articles"), manifest.get("chunks")):
        raise IndexStoreError(
            f"index version {name} is inconsistent: manifest says {manifest.get('articles')} articles, "
            f"{manifest.get('chunks')} chunks; Milvus holds {len(articles)}, {len(chunks)}"
        )
    check_citations(name, articles, chunks)


def _line(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= 200 else text[:200] + "..."
