"""Change the corpus and update the index in one step, under the build lock: what the admin API does.

Each operation edits the corpus folder (see ``qa.indexing.corpus_edits``), then runs an incremental build. If the
build fails, the corpus edit is undone, so the corpus and the index never disagree because of a
failed request. Blocking (embedding): call from a worker thread, not an event loop.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.embedders.protocol import Embedder
from qa.errors import ArticleNotFound
from qa.index.durable import full_disk_reported
from qa.index.lock import build_lock
from qa.index.store import current_version_dir, read_articles, read_sources
from qa.indexing.build import update_index
from qa.indexing.corpus_edits import (
    DELETED_FILE,
    api_path,
    api_source,
    atomic_write,
    encode_record,
    parse_records,
    read_deleted,
    restore,
    snapshot,
    write_deleted,
)
from qa.indexing.options import BuildOptions
from qa.indexing.previous import VersionMemory
from qa.indexing.summary import BuildSummary
from qa.ingest.jsonl import validate_article_id
from qa.text.segmentation import Tokenizer

logger = logging.getLogger(__name__)


@dataclass
class IndexUpdater:
    """Everything a build needs; one per server (or script). It remembers the version it wrote last, so its
    next update need not read it back from disk."""

    corpus_dir: Path
    index_dir: Path
    embedder: Embedder
    tokenizer: Tokenizer
    options: BuildOptions = field(default_factory=BuildOptions)
    memory: VersionMemory = field(default_factory=VersionMemory)

    def _build(self, full: bool = False) -> BuildSummary:
        return update_index(
            self.corpus_dir,
            self.index_dir,
            self.embedder,
            self.tokenizer,
            self.options,
            full=full,
            memory=self.memory,
        )

    def reindex(self, full: bool = False) -> BuildSummary:
        """Update the index from the corpus folder (``full``: rebuild everything)."""
        with build_lock(self.index_dir, self.options.lock_timeout):
            return self._build(full)

    def add(self, payload: Any) -> tuple[list[str], BuildSummary]:
        """Store one article record or a list of them in the corpus and index them.

        Raises ``ValueError`` (naming the item and field) before anything is written.
        """
        parsed = parse_records(payload)
        with build_lock(self.index_dir, self.options.lock_timeout):
            paths = [api_path(self.corpus_dir, article.id) for article, _ in parsed]
            saved = snapshot([*paths, self.corpus_dir / DELETED_FILE])
            try:
                with full_disk_reported("corpus", self.corpus_dir):
                    for path, (_, record) in zip(paths, parsed):
                        atomic_write(path, encode_record(record))
                    ids = [article.id for article, _ in parsed]
                    deleted = read_deleted(self.corpus_dir)
                    if deleted & set(ids):  # added again: no longer deleted
                        write_deleted(self.corpus_dir, deleted - set(ids))
                summary = self._build()
            except BaseException:
                restore(saved)
                raise
        logger.info("added %d articles through the API: %s", len(ids), ", ".join(ids[:10]))
        return ids, summary

    def delete(self, article_id: str) -> BuildSummary:
        """Remove an article from the corpus and the index; ``ArticleNotFound`` if it is in neither."""
        validate_article_id(article_id)
        with build_lock(self.index_dir, self.options.lock_timeout):
            path = api_path(self.corpus_dir, article_id)
            indexed, elsewhere = self._locate(article_id)
            if not path.exists() and not indexed:
                raise ArticleNotFound(article_id)
            deleted_path = self.corpus_dir / DELETED_FILE
            saved = snapshot([path, deleted_path])
            try:
                with full_disk_reported("corpus", self.corpus_dir):
                    atomic_write(path, None)
                    if elsewhere:  # a file we do not own: remember the deletion instead of editing it
                        write_deleted(self.corpus_dir, read_deleted(self.corpus_dir) | {article_id})
                summary = self._build()
            except BaseException:
                restore(saved)
                raise
        logger.info("deleted article %s through the API", article_id)
        return summary

    def _locate(self, article_id: str) -> tuple[bool, bool]:
        """Per the current version: is ``article_id`` indexed, and does a file other than its API file hold it?"""
        try:
            version_dir = current_version_dir(self.index_dir)
        except Exception:
            return False, False
        own = api_source(article_id)
        sources = read_sources(version_dir)
        if sources is None:  # an older version without file records: fall back to its articles
            found = [a for a in read_articles(version_dir) if a.id == article_id]
            return bool(found), any(a.source != own for a in found)
        indexed = any(article_id in record["kept"] for record in sources.values())
        elsewhere = any(article_id in record["ids"] for source, record in sources.items() if source != own)
        return indexed, elsewhere
