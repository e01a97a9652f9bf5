"""The version a build updates: what it reuses (articles, chunks, file records, words, row offsets).

Reading a version back costs 1-2 s at 100k chunks. A long-lived process that builds repeatedly (the
server's admin API, a benchmark) keeps the version it wrote last in a ``VersionMemory`` and takes it
from there, as long as the files on disk are still the ones it wrote.
"""

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.index.copies import StoryCopies
from qa.index.store import (
    ARTICLES,
    CHUNKS,
    RowCopy,
    current_version_dir,
    read_articles_and_offsets,
    read_chunks_and_offsets,
    read_manifest,
    read_sources,
    read_stories,
    read_words,
)
from qa.ingest.incremental import FileRecord
from qa.models import Article, Chunk, chunks_by_article

logger = logging.getLogger(__name__)


@dataclass
class Previous:
    """What the next build reuses from the current version."""

    version_dir: Path
    manifest: dict[str, Any]
    articles: dict[str, Article]
    chunks: dict[str, list[Chunk]]  # by article id
    rows: list[Chunk]  # in the row order of its dense index
    records: dict[str, FileRecord] | None  # None: written by a build that did not record files
    words: list[str]  # corpus words its keyword index was segmented with
    offsets: dict[str, np.ndarray] = field(default_factory=dict)  # of its JSON Lines files' rows (RowCopy)
    stories: StoryCopies | None = None  # its copies of one story, with their MinHash signatures (qa.indexing.copies)


def _signature(version_dir: Path) -> tuple:
    """Changes whenever a file of the version is replaced or written to."""
    return tuple(
        (name, st.st_ino, st.st_size, st.st_mtime_ns)
        for name in sorted(os.listdir(version_dir))
        for st in [os.stat(version_dir / name)]
    )


class VersionMemory:
    """The version a process wrote last, as it was written, for its next update."""

    def __init__(self) -> None:
        self._kept: tuple[Previous, tuple] | None = None

    def remember(self, previous: Previous) -> None:
        try:
            self._kept = (previous, _signature(previous.version_dir))
        except OSError:
            self._kept = None

    def forget(self) -> None:
        """The next update reads the previous version from disk, as a new process does."""
        self._kept = None

    def recall(self, version_dir: Path) -> Previous | None:
        """The remembered version if it is ``version_dir`` and its files are unchanged since."""
        if self._kept is None or self._kept[0].version_dir != version_dir:
            return None
        try:
            return self._kept[0] if _signature(version_dir) == self._kept[1] else None
        except OSError:
            return None


def load_previous(index_root: Path, memory: VersionMemory | None = None) -> Previous | None:
    """The current version's articles, chunks and file records, or None (no index, or unreadable)."""
    try:
        version_dir = current_version_dir(index_root)
    except Exception as exc:  # no index yet, or a corrupt pointer: nothing to reuse
        logger.info("no previous version to update (%s): building everything", exc)
        return None
    remembered = memory.recall(version_dir) if memory is not None else None
    if remembered is not None:
        return remembered
    try:
        manifest = read_manifest(version_dir)
        article_list, article_offsets = read_articles_and_offsets(version_dir)
        articles = {a.id: a for a in article_list}
        rows, chunk_offsets = read_chunks_and_offsets(version_dir)
        chunks = chunks_by_article(rows)
        sources = read_sources(version_dir)
        records = {k: FileRecord.from_dict(v) for k, v in sources.items()} if sources is not None else None
        stories = read_stories(version_dir)
    except Exception as exc:  # damaged: the new version is built without it
        logger.warning("cannot reuse version %s (%s): building everything", version_dir, exc)
        return None
    offsets = {part: o for part, o in ((ARTICLES, article_offsets), (CHUNKS, chunk_offsets)) if o is not None}
    words = read_words(version_dir)
    return Previous(version_dir, manifest, articles, chunks, rows, records, words, offsets, stories)


def row_copies(
    reuse: Previous | None, articles: list[Article], same: list[bool], origin: list[int]
) -> dict[str, RowCopy]:
    """Which rows of the new version's JSON Lines files are unchanged rows of the previous version's."""
    if reuse is None:
        return {}
    copies = {}
    if CHUNKS in reuse.offsets:
        copies[CHUNKS] = RowCopy(reuse.version_dir / CHUNKS, reuse.offsets[CHUNKS], np.asarray(origin, dtype=np.int64))
    if ARTICLES in reuse.offsets:
        row_of = {article_id: row for row, article_id in enumerate(reuse.articles)}
        article_origin = [row_of[a.id] if unchanged else -1 for a, unchanged in zip(articles, same)]
        copies[ARTICLES] = RowCopy(
            reuse.version_dir / ARTICLES, reuse.offsets[ARTICLES], np.asarray(article_origin, dtype=np.int64)
        )
    return copies
