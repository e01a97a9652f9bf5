"""Load one published version from Milvus: records into memory, searches left in Milvus."""

from pathlib import Path
from typing import Any

import numpy as np
import orjson

from qa.errors import IndexStoreError
from qa.index.copies import StoryCopies
from qa.index.milvus import layout
from qa.index.milvus.layout import visible
from qa.index.milvus.records import read_large, read_small
from qa.index.milvus.search import MilvusDense, MilvusSparse
from qa.index.milvus.writer import iterate
from qa.index.store import IndexData, check_compatible
from qa.models import Article, Chunk


def load_published(client: Any, alias: str, name: str, model: str | None) -> IndexData:
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
    chunks_name = layout.chunks_name(alias, generation)
    try:
        layout.ensure_loaded(client, chunks_name)
        layout.ensure_loaded(client, layout.articles_name(alias, generation))
        rows, chunks = _chunks(client, chunks_name, seq)
        articles = _articles(client, layout.articles_name(alias, generation), seq)
        words = read_large(client, meta, f"words/{name}", record["words"])
        groups = read_large(client, meta, f"stories/{name}", record["stories"])
    except IndexStoreError:
        raise
    except Exception as exc:
        raise IndexStoreError(f"index version {name} cannot be read from Milvus ({_line(exc)})") from exc
    _check(name, manifest, articles, chunks)
    dimension = int(manifest["dimension"])
    dense, sparse = MilvusDense(client, chunks_name, seq, rows, dimension), MilvusSparse(client, chunks_name, seq, rows)
    # The first search of a loaded collection builds its in-memory indexes (a second in Milvus Lite): do it now,
    # before the version is served, not in a reader's request.
    dense.search(np.full(dimension, dimension**-0.5, dtype=np.float32), 1)
    if chunks:
        sparse.search(chunks[0].text[:8].split() or ["的"], 1)
    return IndexData(
        articles,
        chunks,
        dense,
        sparse,
        manifest,
        words,
        stories=StoryCopies([tuple(g) for g in groups]) if groups is not None else None,
    )


def _chunks(client: Any, collection: str, seq: int) -> tuple[np.ndarray, list[Chunk]]:
    found = [
        (row["row"], row["record"])
        for batch in iterate(client, collection, visible(seq), ["row", "record"])
        for row in batch
    ]
    found.sort()
    rows = np.fromiter((row for row, _ in found), dtype=np.int64, count=len(found))
    return rows, [Chunk.from_dict(orjson.loads(record)) for _, record in found]


def _articles(client: Any, collection: str, seq: int) -> dict[str, Article]:
    parts: dict[str, list[tuple[int, int, str]]] = {}
    for batch in iterate(client, collection, visible(seq), ["row", "fp", "part", "data"]):
        for row in batch:
            parts.setdefault(row["fp"], []).append((row["row"], row["part"], row["data"]))
    articles = []
    for pieces in parts.values():
        pieces.sort()
        if [part for _, part, _ in pieces] != list(range(len(pieces))):
            raise IndexStoreError(f"an article record in {collection} has missing parts")
        articles.append((pieces[0][0], Article.from_dict(orjson.loads("".join(data for _, _, data in pieces)))))
    articles.sort(key=lambda item: item[0])
    return {article.id: article for _, article in articles}


def _check(name: str, manifest: dict[str, Any], articles: dict[str, Article], chunks: list[Chunk]) -> None:
    """What ``qa.index.store.load_version`` checks of a folder: counts, and every chunk inside its article."""
    if (len(articles), len(chunks)) != (manifest.get("articles"), manifest.get("chunks")):
        raise IndexStoreError(
            f"index version {name} is inconsistent: manifest says {manifest.get('articles')} articles, "
            f"{manifest.get('chunks')} chunks; Milvus holds {len(articles)}, {len(chunks)}"
        )
    bodies: dict[str, str] = {}
    for chunk in chunks:
        article = articles.get(chunk.article_id)
        if article is not None and chunk.article_id not in bodies:
            bodies[chunk.article_id] = article.body
        if article is None or bodies[chunk.article_id][chunk.start : chunk.end] != chunk.text:
            raise IndexStoreError(
                f"index version {name} is inconsistent: chunk {chunk.id!r} does not match its article"
            )


def _line(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= 200 else text[:200] + "..."
