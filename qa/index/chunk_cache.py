"""What a build computed per chunk text, kept across versions: vectors (per model) and BM25 tokens.

An SQLite file in the index folder (``<index>/cache.sqlite3``), outside every version. Keys are a
hash of the chunk text, so an unchanged passage is never embedded or tokenised twice, whatever
article or version it belongs to. SQLite commits are atomic: a build killed mid-way leaves the
entries of its committed batches, which the next build reuses, and never a torn entry.
"""

import hashlib
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

CACHE_FILE = "cache.sqlite3"
_LOOKUP_BATCH = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,
                                    PRIMARY KEY (model, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (tokenizer TEXT NOT NULL, key BLOB NOT NULL, tokens TEXT NOT NULL,
                                   PRIMARY KEY (tokenizer, key)) WITHOUT ROWID;
"""


def text_key(text: str) -> bytes:
    """The cache key of a chunk text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _batches(items: list[bytes]) -> Iterator[list[bytes]]:
    for start in range(0, len(items), _LOOKUP_BATCH):
        yield items[start : start + _LOOKUP_BATCH]


class ChunkCache:
    """Vectors keyed by (model, text key) and token lists keyed by (tokenizer, text key)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError as exc:
            # Only a cache: a damaged file costs recomputation, never a failed build.
            damaged = path.with_name(path.name + ".damaged")
            logger.warning(
                "embedding cache %s is unreadable (%s); starting a new one, old one kept as %s", path, exc, damaged
            )
            path.replace(damaged)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False)
        try:
            db.executescript(_SCHEMA)
            db.execute("SELECT key FROM vectors LIMIT 1").fetchone()  # a file that is not a database fails here
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ChunkCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def vectors(self, model: str, keys: Iterable[bytes], dimension: int) -> dict[bytes, np.ndarray]:
        """The cached vectors of ``keys`` for ``model`` (missing keys are left out)."""
        found: dict[bytes, np.ndarray] = {}
        for batch in _batches(list(keys)):
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [model, *batch]
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (dimension,):
                    found[key] = vector
        return found

    def put_vectors(self, model: str, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        """Store vectors and commit, so they survive a build killed after this call."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (model, key, vector) VALUES (?, ?, ?)",
                [(model, key, np.ascontiguousarray(vector, dtype=np.float32).tobytes()) for key, vector in items],
            )

    def tokens(self, tokenizer: str, keys: Iterable[bytes]) -> dict[bytes, list[str]]:
        found: dict[bytes, list[str]] = {}
        for batch in _batches(list(keys)):
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT key, tokens FROM tokens WHERE tokenizer = ? AND key IN ({marks})", [tokenizer, *batch]
            )
            found.update((key, [sys.intern(t) for t in json.loads(value)]) for key, value in rows)
        return found

    def put_tokens(self, tokenizer: str, items: Iterable[tuple[bytes, list[str]]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO tokens (tokenizer, key, tokens) VALUES (?, ?, ?)",
                [(tokenizer, key, json.dumps(tokens, ensure_ascii=False)) for key, tokens in items],
            )

    def size(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def keep_only(self, keys: Iterable[bytes]) -> int:
        """Drop every entry whose key is not in ``keys`` (any model); returns how many vectors went."""
        before = self.size()
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key BLOB PRIMARY KEY) WITHOUT ROWID")
            self._db.execute("DELETE FROM live")
            self._db.executemany("INSERT OR IGNORE INTO live (key) VALUES (?)", ((key,) for key in keys))
            self._db.execute("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM live)")
            self._db.execute("DELETE FROM tokens WHERE key NOT IN (SELECT key FROM live)")
            self._db.execute("DELETE FROM live")
        self._db.execute("VACUUM")
        return before - self.size()


def trim_cache(cache: ChunkCache, keys: Callable[[], list[bytes]], count: int, dimension: int) -> None:
    """Drop entries of texts no longer indexed once they outnumber the live ones (``count`` chunks, whose
    ``keys()`` are computed only then)."""
    try:
        # Counting the entries reads the whole table (0.1 s at 100k): only once the file is big enough to hold
        # that many vectors of this size.
        if cache.path.stat().st_size < (2 * count + 1000) * dimension * 4:
            return
        if cache.size() > 2 * count + 1000:
            live = set(keys())
            if cache.size() > 2 * len(live) + 1000:
                logger.info("removed %d unused entries from the embedding cache", cache.keep_only(live))
    except Exception as exc:  # the version is written; a cache that stays big is harmless
        logger.warning("could not trim the embedding cache: %s", exc)
