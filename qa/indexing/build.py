"""Build an index version from a corpus folder: files -> articles -> chunks -> vectors + BM25.

By default a build updates the current version: files unchanged since it are not read again,
unchanged articles keep their chunks, and a chunk whose text was embedded or tokenised before (in
any version) takes its vector and tokens from the cache. Only new and changed text is embedded, so
the cost of an update grows with what changed. ``full=True`` reads, chunks, embeds and tokenises
everything again. Either way the result is a complete new version, switched to atomically.

The steps, in order: read the corpus (``_read``), compare it with the previous version (``_summarise``),
chunk what changed (``_chunk``), carry over vectors and term counts of unchanged chunks, tokenise and
embed the rest side by side (``_tokens``, ``qa.indexing.vectors``), build the dense index (``_dense``),
write the version (``_write``), then trim the cache and old versions.
"""

import gc
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from qa.embedders.protocol import Embedder
from qa.index.chunk_cache import CACHE_FILE, ChunkCache, trim_cache
from qa.index.dense import DenseIndex
from qa.index.durable import full_disk_reported
from qa.index.lock import build_lock
from qa.index.sparse import SparseIndex
from qa.index.store import (
    IndexData,
    clean_staging,
    make_manifest,
    manifest_space,
    prune_versions,
    write_version,
)
from qa.index.terms import TermCounts
from qa.indexing.carry_over import carried_from, dense_index
from qa.indexing.chunking import chunk_article
from qa.indexing.copies import find_copies
from qa.indexing.corpus_edits import read_deleted
from qa.indexing.options import BuildOptions
from qa.indexing.previous import Previous, VersionMemory, load_previous, row_copies
from qa.indexing.publish import catch_up, switch
from qa.indexing.summary import BuildSummary
from qa.indexing.tokens import TOKENS_KIND, ChunkTokens, TextKeys, containing
from qa.indexing.vectors import chunk_vectors
from qa.ingest.incremental import CorpusRead, read_corpus
from qa.models import Article, Chunk, chunks_by_article
from qa.text.segmentation import Tokenizer, corpus_words

logger = logging.getLogger(__name__)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    options: BuildOptions | None = None,
    *,
    full: bool = False,
    memory: VersionMemory | None = None,
) -> BuildSummary:
    """Update (or with ``full`` rebuild) the index and switch to the new version, holding the build lock.

    ``memory``: where a long-lived process keeps the version it wrote, so its next update need not read it."""
    options = options or BuildOptions()
    with build_lock(index_dir, options.lock_timeout):
        return update_index(corpus_dir, index_dir, embedder, tokenizer, options, full=full, memory=memory)


def update_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    options: BuildOptions | None = None,
    *,
    full: bool = False,
    memory: VersionMemory | None = None,
) -> BuildSummary:
    """``build_index`` for a caller that already holds the build lock."""
    # An update makes and drops hundreds of thousands of small objects (chunks, articles, JSON rows) and no
    # reference cycles; the cyclic collector would walk every live object again and again meanwhile (about
    # a second at 100k chunks). Reference counting still frees everything as it goes.
    with _cyclic_gc_paused(), full_disk_reported("index", index_dir):
        return _update_index(
            corpus_dir, index_dir, embedder, tokenizer, options or BuildOptions(), full=full, memory=memory
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _update_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    options: BuildOptions,
    *,
    full: bool,
    memory: VersionMemory | None,
) -> BuildSummary:
    started = time.perf_counter()
    clean_staging(index_dir)
    previous = load_previous(index_dir, memory)  # a full rebuild reuses nothing, but reports what changed
    reuse = None if full else previous
    corpus = _read(corpus_dir, previous, reuse, options.default_date)
    same = _unchanged(corpus.articles, previous)
    summary = _summarise(corpus, same, previous, index_dir, full)
    logger.info(
        "%d added, %d changed, %d removed, %d unchanged articles",
        summary.added,
        summary.changed,
        summary.removed,
        summary.reused,
    )
    reuse_chunks = reuse if reuse is not None and _same_chunking(reuse, options) else None
    if reuse_chunks is not None and _up_to_date(reuse_chunks, corpus.articles, embedder, summary):
        summary.chunks = sum(len(reuse_chunks.chunks.get(a.id, [])) for a in corpus.articles)
        summary.up_to_date = True
        summary.published = catch_up(index_dir, options.publisher, embedder.name)
        summary.seconds = time.perf_counter() - started
        return summary

    chunks, origin = _chunk(corpus.articles, same, reuse_chunks, options)
    summary.chunks = len(chunks)
    summary.version_dir, summary.embedded, summary.published = _write_version(
        index_dir, corpus, same, chunks, origin, reuse, embedder, tokenizer, options, full=full, memory=memory
    )
    try:
        summary.removed_versions = prune_versions(index_dir, options.keep_versions)
    except OSError as exc:  # the new version is in place; old ones can go next time
        logger.warning("could not remove old versions: %s", exc)
    summary.seconds = time.perf_counter() - started
    return summary


def _write_version(
    index_dir: Path,
    corpus: CorpusRead,
    same: list[bool],
    chunks: list[Chunk],
    origin: list[int],
    reuse: Previous | None,
    embedder: Embedder,
    tokenizer: Tokenizer,
    options: BuildOptions,
    *,
    full: bool,
    memory: VersionMemory | None,
) -> tuple[Path, int, str | None]:
    """Vectors and term counts of ``chunks`` (carried over, cached or computed), written as a new version.

    Returns the version's folder, how many chunk texts were embedded and how it was published (if it was)."""
    keys = TextKeys(chunks)
    # Title names are kept whole by jieba (qa.text.segmentation.corpus_words); queries use the same words.
    words = corpus_words(article.title for article in corpus.articles)
    carried = carried_from(reuse, origin, len(chunks), embedder, TOKENS_KIND)
    # Tokens of a text holding a corpus word added or removed since were segmented differently then.
    stale = containing(chunks, set(words) ^ set(reuse.words)) if reuse is not None else []
    carried.retokenize(stale)
    with ChunkCache(index_dir / CACHE_FILE) as cache, ThreadPoolExecutor(1, "tokenize") as background:
        # Tokenising (jieba, pure Python) runs in a thread while the model embeds (torch and ONNX Runtime release
        # the GIL).
        tokens = ChunkTokens(chunks, carried, keys, cache, stale, full)
        tokenized = background.submit(tokens.compute, tokenizer.with_words(words))
        todo = carried.need_vectors().tolist()
        new_vectors, embedded = chunk_vectors(
            [chunks[i] for i in todo],
            [keys[i] for i in todo],
            embedder,
            cache,
            previous=reuse,
            full=full,
            show_progress=options.show_progress,
            carried_rows=carried.carried_rows(),
        )
        dense = dense_index(carried, new_vectors, embedder.dimension, options.dense)
        terms = tokens.term_counts(tokenized)
        data = _index_data(corpus, same, chunks, origin, reuse, embedder, options, dense, terms, words)
        version_dir = write_version(index_dir, data)
        published = switch(index_dir, version_dir, data, terms, options.publisher, full=full)
        if memory is not None:
            memory.remember(_as_previous(version_dir, data, corpus))
        trim_cache(cache, keys.all, len(chunks), embedder.dimension)
    return version_dir, embedded, published


def _index_data(
    corpus: CorpusRead,
    same: list[bool],
    chunks: list[Chunk],
    origin: list[int],
    reuse: Previous | None,
    embedder: Embedder,
    options: BuildOptions,
    dense: DenseIndex,
    terms: TermCounts,
    words: list[str],
) -> IndexData:
    """Everything the new version holds, with its manifest."""
    manifest = make_manifest(
        embedder.name,
        embedder.dimension,
        len(corpus.articles),
        len(chunks),
        dense_index=dense.kind,
        vector_space=embedder.space,
        tokens=TOKENS_KIND,
        **options.chunking,
        words=len(words),
    )
    data = IndexData(
        articles={a.id: a for a in corpus.articles},
        chunks=chunks,
        dense=dense,
        sparse=SparseIndex.from_counts(terms),
        manifest=manifest,
        words=words,
        sources={source: record.to_dict() for source, record in corpus.records.items()},
        terms=terms,
        copies=row_copies(reuse, corpus.articles, same, origin),
        stories=find_copies(corpus.articles, reuse.stories if reuse is not None else None, same),
    )
    return data


def _read(corpus_dir: Path, previous: Previous | None, reuse: Previous | None, default_date: str | None) -> CorpusRead:
    """The corpus's articles; files unchanged since ``reuse`` are not read again."""
    return read_corpus(
        corpus_dir,
        reuse.records if reuse else None,
        reuse.articles if reuse else None,
        read_deleted(corpus_dir),
        # Even a full rebuild keeps what a file that can no longer be read held (see read_corpus).
        fallback=previous.records if previous else None,
        fallback_articles=previous.articles if previous else None,
        default_date=default_date,
    )


def _unchanged(articles: list[Article], previous: Previous | None) -> list[bool]:
    """Per article: the same as in the previous version. Unchanged articles are mostly the previous version's
    own objects (qa.ingest.incremental): ``is`` first."""
    old = previous.articles if previous else {}
    return [old.get(a.id) is a or old.get(a.id) == a for a in articles]


def _summarise(
    corpus: CorpusRead, same: list[bool], previous: Previous | None, index_dir: Path, full: bool
) -> BuildSummary:
    """What changed since the previous version (the summary the build fills in as it goes)."""
    old = previous.articles if previous else {}
    new_ids = {a.id for a in corpus.articles}
    changed = sum(1 for a, unchanged in zip(corpus.articles, same) if a.id in old and not unchanged)
    added = len(corpus.articles) - len(new_ids & old.keys())
    return BuildSummary(
        articles=len(corpus.articles),
        chunks=0,
        files=corpus.files,
        seconds=0.0,
        version_dir=previous.version_dir if previous else index_dir,
        skipped=corpus.problems,
        full=full,
        added=added,
        changed=changed,
        removed=len(old.keys() - new_ids),
        reused=len(corpus.articles) - added - changed,
        parsed_files=corpus.parsed,
        deleted=len(set(corpus.deleted)),
    )


def _same_chunking(previous: Previous, options: BuildOptions) -> bool:
    return all(previous.manifest.get(k) == v for k, v in options.chunking.items())


def _up_to_date(previous: Previous, articles: list[Article], embedder: Embedder, summary: BuildSummary) -> bool:
    """Whether the previous version already is what this build would write."""
    return (
        previous.records is not None  # else write a version that has them
        and previous.stories is not None  # and the copies of one story
        and manifest_space(previous.manifest) == embedder.space
        and not (summary.added or summary.changed or summary.removed)
        and [a.id for a in articles] == list(previous.articles)
    )


def _chunk(
    articles: list[Article], same: list[bool], reuse: Previous | None, options: BuildOptions
) -> tuple[list[Chunk], list[int]]:
    """The new version's chunks, and per chunk its row in the previous version (-1: chunked now).

    ``reuse`` (chunked the same way) lends its chunks of unchanged articles."""
    chunks: list[Chunk] = []
    origin: list[int] = []
    previous_row = {c.id: row for row, c in enumerate(reuse.rows)} if reuse is not None else {}
    for article, unchanged in zip(articles, same):
        kept = reuse.chunks.get(article.id) if reuse is not None and unchanged else None
        if kept is None:
            kept = chunk_article(article, options.chunk_size, options.chunk_overlap)
            origin.extend([-1] * len(kept))
        else:
            origin.extend(previous_row[c.id] for c in kept)
        chunks.extend(kept)
    logger.info("%d chunks, %d of them new", len(chunks), origin.count(-1))
    return chunks, origin


def _as_previous(version_dir: Path, data: IndexData, corpus: CorpusRead) -> Previous:
    """The version just written, as the next update would read it."""
    return Previous(
        version_dir,
        data.manifest,
        data.articles,
        chunks_by_article(data.chunks),
        data.chunks,
        corpus.records,
        data.words,
        data.offsets,
        data.stories,
    )
