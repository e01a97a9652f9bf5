"""Publish a built version to Milvus: a new generation (full), or only what changed (incremental).

The builder still writes each version to its index folder first (the incremental build reads the
previous version from there); publishing copies it to Milvus before the folder's ``CURRENT`` moves,
so a failed publish leaves both where they were.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from qa.errors import IndexStoreError
from qa.index.milvus import layout
from qa.index.milvus.layout import ALIVE, BATCH, EMPTY_DIM, PAD, PART_CHARS, RECORD_BYTES, iterate, token_dims, visible
from qa.index.milvus.records import read_small, write_large, write_small
from qa.index.store import FORMAT_VERSION, IndexData, manifest_space
from qa.index.terms import TermCounts, bm25_weights
from qa.models import Article

logger = logging.getLogger(__name__)

# An update changing more than this share of the chunks is published as a new generation: its BM25 weights
# are then all computed on one corpus (an incremental publish keeps the weights unchanged rows had).
REWRITE_SHARE = 0.3


@dataclass
class Pointer:
    """``current/<generation>``: the version a generation serves, and the next free row numbers."""

    version: str
    seq: int
    next_row: int
    next_article_row: int


class ChunkRows:
    """Each chunk's record, fingerprint, vector and BM25 weights, made on demand (only added rows need them)."""

    def __init__(self, data: IndexData, terms: TermCounts) -> None:
        if len(terms) != len(data.chunks):
            raise IndexStoreError(f"term counts of {len(terms)} chunks for {len(data.chunks)} chunks")
        self.chunks = data.chunks
        self.dense = data.dense
        self._vectors: np.ndarray | None = None
        self.counts = terms.matrix.tocsr()
        self.weights = bm25_weights(terms).tocsr()
        self.dims = token_dims(terms.vocab)
        self.records = [orjson.dumps(chunk.to_dict()) for chunk in self.chunks]
        too_long = next((c.id for c, r in zip(self.chunks, self.records) if len(r) > RECORD_BYTES), None)
        if too_long is not None:
            raise IndexStoreError(f"chunk {too_long!r} is longer than Milvus stores in one field: lower QA_CHUNK_SIZE")
        # The tokens are in the fingerprint: a chunk segmented differently (a new corpus word) is a new row.
        self.fps = [
            _fingerprint(record, self.dims[self.counts.indices[a:b]], self.counts.data[a:b])
            for record, a, b in zip(self.records, self.counts.indptr[:-1], self.counts.indptr[1:])
        ]

    def sparse(self, i: int) -> dict[int, float]:
        a, b = self.weights.indptr[i], self.weights.indptr[i + 1]
        vector = dict(zip(self.dims[self.weights.indices[a:b]].tolist(), self.weights.data[a:b].tolist()))
        return {k: v for k, v in vector.items() if v > 0} or {EMPTY_DIM: 1e-6}

    def rows(self, chunks: list[int], first_row: int, born: int) -> Any:
        """Milvus rows of ``chunks`` (positions), numbered from ``first_row``."""
        for start in range(0, len(chunks), BATCH):
            part = chunks[start : start + BATCH]
            vectors = self._vectors[part] if self._vectors is not None else [self.dense.vector(i) for i in part]
            for offset, (i, vector) in enumerate(zip(part, vectors)):
                yield {
                    "row": first_row + start + offset,
                    "born": born,
                    "died": ALIVE,
                    "fp": self.fps[i],
                    "record": self.records[i].decode("utf-8"),
                    "dense": np.asarray(vector, dtype=np.float32).tolist(),
                    "sparse": self.sparse(i),
                }

    def all_vectors(self) -> None:
        """Read every vector at once (a full publish): faster than row by row."""
        self._vectors = np.asarray(self.dense.vectors())


def _fingerprint(record: bytes, dims: np.ndarray, counts: np.ndarray) -> str:
    order = np.argsort(dims, kind="stable")
    digest = hashlib.blake2b(record, digest_size=16)
    digest.update(dims[order].astype(np.int64).tobytes())
    digest.update(counts[order].astype(np.int64).tobytes())
    return digest.hexdigest()


def article_parts(article: Article) -> tuple[str, list[str]]:
    """An article's fingerprint and its record in VARCHAR-sized parts."""
    record = orjson.dumps(article.to_dict()).decode("utf-8")
    fp = hashlib.blake2b(record.encode("utf-8"), digest_size=16).hexdigest()
    # Milvus counts bytes: a part of PART_CHARS // 4 characters fits whatever the script.
    size = PART_CHARS // 4
    return fp, [record[i : i + size] for i in range(0, len(record), size)] or [""]


class Publisher:
    """Writes versions into Milvus under ``alias``; one publisher at a time (the build lock)."""

    def __init__(self, client: Any, alias: str, flat_max: int) -> None:
        self.client = client
        self.alias = alias
        self.flat_max = flat_max
        self.meta = layout.meta_name(alias)
        self._meta_loaded = False

    def meta_ready(self) -> bool:
        """Whether the meta collection exists (after a first publish), loaded for reading."""
        if not self._meta_loaded:
            if not self.client.has_collection(self.meta):
                return False
            layout.ensure_loaded(self.client, self.meta)
            self._meta_loaded = True
        return True

    def served_generation(self) -> str | None:
        """The generation the alias names, or None before the first publish."""
        aliases = self.client.list_aliases().get("aliases", [])
        if self.alias not in aliases:
            return None
        collection = self.client.describe_alias(self.alias)["collection_name"]
        prefix = f"{self.alias}_"
        return collection[len(prefix) :] if collection.startswith(prefix) else None

    def pointer(self, generation: str) -> Pointer | None:
        if not self.meta_ready():
            return None
        value = read_small(self.client, self.meta, f"current/{generation}")
        return Pointer(**value) if value else None

    def publish(self, data: IndexData, terms: TermCounts, *, full: bool = False) -> str:
        """Publish ``data`` (written by a build, with its ``version``) and make it the served version.

        Returns ``"full"`` or ``"incremental"``: how it was written."""
        name = data.manifest.get("version")
        if not name:
            raise IndexStoreError("only a version written to the index folder can be published (it has no name)")
        layout.ensure_meta(self.client, self.alias)
        self.meta_ready()
        rows = ChunkRows(data, terms)
        generation = self.served_generation()
        pointer = self.pointer(generation) if generation else None
        if generation and pointer and not full and self._same_format(pointer, data.manifest):
            if self._incremental(generation, pointer, name, data, rows):
                return "incremental"
        self._full(name, data, rows)
        return "full"

    def _same_format(self, pointer: Pointer, manifest: dict[str, Any]) -> bool:
        served = read_small(self.client, self.meta, f"version/{pointer.version}")
        if not served:
            return False
        old = served["manifest"]
        return (
            old.get("format_version") == manifest.get("format_version") == FORMAT_VERSION
            and old.get("dimension") == manifest.get("dimension")
            and manifest_space(old) == manifest_space(manifest)
        )

    def _full(self, name: str, data: IndexData, rows: ChunkRows) -> None:
        generation = name
        chunks_name = layout.chunks_name(self.alias, generation)
        for collection in (chunks_name, layout.articles_name(self.alias, generation)):
            if self.client.has_collection(collection):  # left by a publish of this version that failed
                self.client.drop_collection(collection)
        layout.create_generation(
            self.client,
            self.alias,
            generation,
            int(data.manifest["dimension"]),
            layout.dense_index(len(rows.chunks), self.flat_max),
        )
        rows.all_vectors()
        self._insert(chunks_name, rows.rows(list(range(len(rows.chunks))), 0, 0))
        next_article_row = self._insert_articles(generation, list(data.articles.values()), 0, 0)
        self._flush(chunks_name, layout.articles_name(self.alias, generation))
        self._describe(name, generation, 0, data)
        write_small(
            self.client,
            self.meta,
            f"current/{generation}",
            Pointer(name, 0, len(rows.chunks), next_article_row).__dict__,
        )
        if self.alias in self.client.list_aliases().get("aliases", []):
            self.client.alter_alias(chunks_name, self.alias)  # the switch
        else:
            self.client.create_alias(chunks_name, self.alias)
        logger.info("published version %s to Milvus as a new generation (%d chunks)", name, len(rows.chunks))

    def _incremental(self, generation: str, pointer: Pointer, name: str, data: IndexData, rows: ChunkRows) -> bool:
        """Write only what changed as version ``pointer.seq + 1``; False when too much changed (publish in full)."""
        chunks_name = layout.chunks_name(self.alias, generation)
        articles_name = layout.articles_name(self.alias, generation)
        seq = pointer.seq
        layout.ensure_loaded(self.client, chunks_name)
        layout.ensure_loaded(self.client, articles_name)
        self._roll_back(chunks_name, seq)
        self._roll_back(articles_name, seq)
        alive = self._alive(chunks_name, seq)
        added = [i for i, fp in enumerate(rows.fps) if alive.pop(fp, None) is None]
        removed = list(alive.values())
        if len(added) + len(removed) > REWRITE_SHARE * max(len(rows.chunks), 1):
            return False
        born = seq + 1
        self._insert(chunks_name, rows.rows(added, pointer.next_row, born))
        self._kill(chunks_name, removed, born)
        alive_articles = self._alive(articles_name, seq, rows_of_fp=True)
        new_articles = []
        for article in data.articles.values():
            fp, _ = article_parts(article)
            if alive_articles.pop(fp, None) is None:
                new_articles.append(article)
        next_article_row = self._insert_articles(generation, new_articles, pointer.next_article_row, born)
        self._kill(articles_name, [row for group in alive_articles.values() for row in group], born)
        self._flush(chunks_name, articles_name)
        self._describe(name, generation, born, data)
        write_small(  # the switch
            self.client,
            self.meta,
            f"current/{generation}",
            Pointer(name, born, pointer.next_row + len(added), next_article_row).__dict__,
        )
        logger.info(
            "published version %s to Milvus: %d chunks added, %d removed, %d articles written",
            name,
            len(added),
            len(removed),
            len(new_articles),
        )
        return True

    def _describe(self, name: str, generation: str, seq: int, data: IndexData) -> None:
        words = write_large(self.client, self.meta, f"words/{name}", data.words)
        groups = [list(g) for g in data.stories.groups] if data.stories is not None else None
        stories = write_large(self.client, self.meta, f"stories/{name}", groups)
        record = {"generation": generation, "seq": seq, "manifest": data.manifest, "words": words, "stories": stories}
        write_small(self.client, self.meta, f"version/{name}", record)

    def _flush(self, *collections: str) -> None:
        """Seal the rows just written before they are served. Milvus Lite searches unsealed rows by rebuilding
        their index on every search: at 859 chunks 258 ms per keyword search unsealed, 4 ms sealed (docs/EVAL.md).
        A failed flush only costs speed (a Milvus server also seals on its own, and may limit flush calls)."""
        for collection in collections:
            try:
                self.client.flush(collection)
            except Exception as exc:
                logger.warning("could not flush Milvus collection %s: %s", collection, exc)

    def _insert(self, collection: str, rows: Any) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                self.client.insert(collection, batch)
                batch = []
        if batch:
            self.client.insert(collection, batch)

    def _insert_articles(self, generation: str, articles: list[Article], first_row: int, born: int) -> int:
        """Insert ``articles`` from row ``first_row``; returns the next free row."""
        row = first_row

        def parts() -> Any:
            nonlocal row
            for article in articles:
                fp, pieces = article_parts(article)
                for number, piece in enumerate(pieces):
                    yield {"row": row, "born": born, "died": ALIVE, "fp": fp, "part": number, "data": piece, "pad": PAD}
                    row += 1

        self._insert(layout.articles_name(self.alias, generation), parts())
        return row

    def _alive(self, collection: str, seq: int, rows_of_fp: bool = False) -> dict[str, Any]:
        """Fingerprint -> row (or with ``rows_of_fp`` all its rows) of what version ``seq`` holds."""
        found: dict[str, Any] = {}
        for batch in iterate(self.client, collection, visible(seq), ["row", "fp"]):
            for row in batch:
                if rows_of_fp:
                    found.setdefault(row["fp"], []).append(row["row"])
                else:
                    found[row["fp"]] = row["row"]
        return found

    def _kill(self, collection: str, rows: list[int], seq: int) -> None:
        """Mark ``rows`` removed as of version ``seq`` (a whole-row upsert: every Milvus has it)."""
        self._set_died(collection, rows, seq)

    def _roll_back(self, collection: str, seq: int) -> None:
        """Undo what a failed publish after version ``seq`` wrote: its new rows, its removals."""
        self.client.delete(collection, filter=f"born > {seq}")
        dead = [
            row["row"]
            for batch in iterate(self.client, collection, f"died > {seq} and died < {ALIVE}", ["row"])
            for row in batch
        ]
        self._set_died(collection, dead, ALIVE)

    def _set_died(self, collection: str, rows: list[int], died: int) -> None:
        for start in range(0, len(rows), BATCH):
            ids = rows[start : start + BATCH]
            full = self.client.get(collection, ids=ids, output_fields=["*"])
            for row in full:
                row["died"] = died
            if full:
                self.client.upsert(collection, [dict(row) for row in full])
