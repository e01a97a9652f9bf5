"""Build an index version from a corpus folder: files -> articles -> chunks -> vectors + BM25."""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.chunking import chunk_articles
from qa.embedding import Embedder
from qa.index.dense import DenseIndex
from qa.index.sparse import SparseIndex
from qa.index.store import IndexData, make_manifest, save_index
from qa.ingest import load_corpus
from qa.tokenize import Tokenizer, corpus_words

logger = logging.getLogger(__name__)


@dataclass
class BuildSummary:
    articles: int
    chunks: int
    files: int
    seconds: float
    version_dir: Path
    skipped: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"indexed {self.articles} articles ({self.chunks} chunks) from {self.files} files "
            f"in {self.seconds:.1f} s -> {self.version_dir}"
        ]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines.extend(f"  {problem}" for problem in self.skipped)
        return "\n".join(lines)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    chunk_size: int = 240,
    chunk_overlap: int = 90,
    show_progress: bool = False,
) -> BuildSummary:
    """Parse, chunk, embed and index the whole corpus, then switch the index to the new version."""
    started = time.perf_counter()
    report = load_corpus(corpus_dir)
    chunks = chunk_articles(report.articles, chunk_size, chunk_overlap)
    words = corpus_words(article.title for article in report.articles)
    tokenizer = tokenizer.with_words(words)
    logger.info("embedding %d chunks of %d articles", len(chunks), len(report.articles))
    vectors = embedder.encode([c.text for c in chunks], show_progress=show_progress)
    if vectors.shape != (len(chunks), embedder.dimension):
        raise RuntimeError(f"embedder returned shape {vectors.shape} for {len(chunks)} chunks")
    data = IndexData(
        articles={a.id: a for a in report.articles},
        chunks=chunks,
        dense=DenseIndex.build(vectors) if len(chunks) else DenseIndex.empty(embedder.dimension),
        sparse=SparseIndex.build([tokenizer.tokens(c.text) for c in chunks]),
        manifest=make_manifest(
            embedder.name,
            embedder.dimension,
            len(report.articles),
            len(chunks),
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            words=len(words),
        ),
        words=words,
    )
    version_dir = save_index(index_dir, data)
    return BuildSummary(
        len(report.articles), len(chunks), report.files, time.perf_counter() - started, version_dir, report.problems
    )
