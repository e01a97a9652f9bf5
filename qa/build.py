"""Build an index version from a corpus folder: files -> articles -> chunks -> vectors + BM25.

By default a build updates the current version: files unchanged since it are not read again,
unchanged articles keep their chunks, and a chunk whose text was embedded or tokenised before (in
any version) takes its vector and tokens from the cache. Only new and changed text is embedded, so
the cost of an update grows with what changed. ``full=True`` reads, chunks, embeds and tokenises
everything again. Either way the result is a complete new version, switched to atomically.
"""

import gc
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jieba
import numpy as np

from qa.carry_over import carry_over, nothing_carried
from qa.chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE, chunk_article
from qa.corpus import read_deleted
from qa.embedding import Embedder
from qa.index.cache import CACHE_FILE, ChunkCache, text_key
from qa.index.dense import DenseConfig, DenseIndex
from qa.index.lock import build_lock
from qa.index.sparse import SparseIndex
from qa.index.store import (
    ARTICLES,
    CHUNKS,
    IndexData,
    RowCopy,
    clean_staging,
    current_version_dir,
    make_manifest,
    manifest_space,
    prune_versions,
    read_articles_and_offsets,
    read_chunks_and_offsets,
    read_manifest,
    read_sources,
    read_words,
    save_index,
)
from qa.ingest.incremental import FileRecord, read_corpus
from qa.models import Article, Chunk, chunks_by_article
from qa.tokenize import STOPWORDS, Tokenizer, corpus_words

logger = logging.getLogger(__name__)

# Texts embedded per call and committed to the cache together: what a killed build can lose.
EMBED_BATCH = 256
# Tokens depend on jieba, how corpus words are added (revision 2: frequencies against jieba's own dictionary)
# and the stopword list: a change to any must not reuse cached tokens.
TOKENS_KIND = "jieba-{}-words2-{}".format(
    jieba.__version__, hashlib.blake2b(" ".join(sorted(STOPWORDS)).encode(), digest_size=6).hexdigest()
)


@dataclass
class BuildSummary:
    articles: int
    chunks: int
    files: int
    seconds: float
    version_dir: Path
    skipped: list[str] = field(default_factory=list)
    full: bool = True
    added: int = 0
    changed: int = 0
    removed: int = 0
    reused: int = 0  # unchanged articles (taken over from the previous version unless full)
    embedded: int = 0  # chunk texts sent to the embedder by this build
    parsed_files: int = 0
    deleted: int = 0  # articles left out because they are listed in corpus/.deleted
    up_to_date: bool = False  # nothing changed: no new version was written
    removed_versions: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.version_dir.name

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "version_dir": str(self.version_dir), "version": self.version}

    def render(self) -> str:
        kind, kept = ("full rebuild", "unchanged") if self.full else ("update", "reused")
        lines = [
            f"{kind}: {self.added} added, {self.changed} changed, {self.removed} removed, {self.reused} {kept} "
            f"articles; embedded {self.embedded} of {self.chunks} chunks; "
            f"read {self.parsed_files} of {self.files} files",
        ]
        if self.up_to_date:
            lines.append(f"index is up to date ({self.articles} articles): still {self.version_dir}")
        else:
            lines.append(
                f"indexed {self.articles} articles ({self.chunks} chunks) from {self.files} files "
                f"in {self.seconds:.2f} s -> {self.version_dir}"
            )
        if self.deleted:
            lines.append(f"left out {self.deleted} articles listed in the corpus's .deleted file")
        if self.removed_versions:
            lines.append(f"removed old versions: {', '.join(self.removed_versions)}")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)}:")
            lines.extend(f"  {problem}" for problem in self.skipped)
        return "\n".join(lines)


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


# The version this process wrote last, as it was written: the next update in the same process (the server's
# admin API, a benchmark) takes it from here instead of reading and parsing it again (1-2 s at 100k chunks).
_last_written: tuple[Previous, tuple] | None = None


def _signature(version_dir: Path) -> tuple:
    """Changes whenever a file of the version is replaced or written to."""
    return tuple(
        (name, st.st_ino, st.st_size, st.st_mtime_ns)
        for name in sorted(os.listdir(version_dir))
        for st in [os.stat(version_dir / name)]
    )


def _remember(previous: Previous) -> None:
    global _last_written
    try:
        _last_written = (previous, _signature(previous.version_dir))
    except OSError:
        _last_written = None


def forget_previous() -> None:
    """Drop the remembered version: the next update reads the previous version from disk, as a new process does."""
    global _last_written
    _last_written = None


def load_previous(index_root: Path) -> Previous | None:
    """The current version's articles, chunks and file records, or None (no index, or unreadable)."""
    try:
        version_dir = current_version_dir(index_root)
    except Exception as exc:  # no index yet, or a corrupt pointer: nothing to reuse
        logger.info("no previous version to update (%s): building everything", exc)
        return None
    remembered = _last_written
    if remembered is not None and remembered[0].version_dir == version_dir:
        try:
            if _signature(version_dir) == remembered[1]:
                return remembered[0]
        except OSError:
            pass
    try:
        manifest = read_manifest(version_dir)
        article_list, article_offsets = read_articles_and_offsets(version_dir)
        articles = {a.id: a for a in article_list}
        rows, chunk_offsets = read_chunks_and_offsets(version_dir)
        chunks = chunks_by_article(rows)
        sources = read_sources(version_dir)
        records = {k: FileRecord.from_dict(v) for k, v in sources.items()} if sources is not None else None
    except Exception as exc:  # damaged: the new version is built without it
        logger.warning("cannot reuse version %s (%s): building everything", version_dir, exc)
        return None
    offsets = {part: o for part, o in ((ARTICLES, article_offsets), (CHUNKS, chunk_offsets)) if o is not None}
    return Previous(version_dir, manifest, articles, chunks, rows, records, read_words(version_dir), offsets)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    chunk_overlap: int = DEFAULT_CHUNK_OVERLAP,
    show_progress: bool = False,
    *,
    full: bool = False,
    keep_versions: int = 3,
    lock_timeout: float = 30.0,
    dense_config: DenseConfig | None = None,
) -> BuildSummary:
    """Update (or with ``full`` rebuild) the index and switch to the new version, holding the build lock."""
    with build_lock(index_dir, lock_timeout):
        return update_index(
            corpus_dir,
            index_dir,
            embedder,
            tokenizer,
            chunk_size,
            chunk_overlap,
            show_progress,
            full=full,
            keep_versions=keep_versions,
            dense_config=dense_config,
        )


def update_index(*args: Any, **kwargs: Any) -> BuildSummary:
    """``build_index`` for a caller that already holds the build lock."""
    # An update makes and drops hundreds of thousands of small objects (chunks, articles, JSON rows) and no
    # reference cycles; the cyclic collector would walk every live object again and again meanwhile (about
    # a second at 100k chunks). Reference counting still frees everything as it goes.
    with _cyclic_gc_paused():
        return _update_index(*args, **kwargs)


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
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    chunk_overlap: int = DEFAULT_CHUNK_OVERLAP,
    show_progress: bool = False,
    *,
    full: bool = False,
    keep_versions: int = 3,
    dense_config: DenseConfig | None = None,
) -> BuildSummary:
    started = time.perf_counter()
    clean_staging(index_dir)
    previous = load_previous(index_dir)  # a full rebuild reuses nothing, but reports what changed
    reuse = None if full else previous
    corpus = read_corpus(
        corpus_dir,
        reuse.records if reuse else None,
        reuse.articles if reuse else None,
        read_deleted(corpus_dir),
        # Even a full rebuild keeps what a file that can no longer be read held (see read_corpus).
        fallback=previous.records if previous else None,
        fallback_articles=previous.articles if previous else None,
    )
    old = previous.articles if previous else {}
    new_ids = {a.id for a in corpus.articles}
    # Per article: the same as in the previous version. Unchanged articles are mostly the previous version's
    # own objects (qa.ingest.incremental): ``is`` first.
    same = [old.get(a.id) is a or old.get(a.id) == a for a in corpus.articles]
    changed = sum(1 for a, unchanged in zip(corpus.articles, same) if a.id in old and not unchanged)
    added = len(corpus.articles) - len(new_ids & old.keys())
    summary = BuildSummary(
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
    chunking = {"chunk_size": chunk_size, "chunk_overlap": chunk_overlap}
    same_chunking = reuse is not None and all(reuse.manifest.get(k) == v for k, v in chunking.items())
    if reuse is not None and same_chunking and _up_to_date(reuse, corpus.articles, embedder, summary):
        summary.chunks = sum(len(reuse.chunks.get(i, [])) for i in new_ids)
        summary.up_to_date = True
        summary.seconds = time.perf_counter() - started
        return summary

    chunks: list[Chunk] = []
    origin: list[int] = []  # per chunk: its row in the previous version, -1 when chunked now
    previous_row = {c.id: row for row, c in enumerate(reuse.rows)} if reuse is not None and same_chunking else {}
    for article, unchanged in zip(corpus.articles, same):
        kept = reuse.chunks.get(article.id) if reuse is not None and same_chunking and unchanged else None
        if kept is None:
            kept = chunk_article(article, chunk_size, chunk_overlap)
            origin.extend([-1] * len(kept))
        else:
            origin.extend(previous_row[c.id] for c in kept)
        chunks.extend(kept)
    logger.info(
        "%d added, %d changed, %d removed, %d unchanged articles; %d chunks",
        summary.added,
        summary.changed,
        summary.removed,
        summary.reused,
        len(chunks),
    )
    # Keys only of the chunks that need the cache (hashing every text costs half a second at 100k chunks).
    keyed: dict[int, bytes] = {}

    def key_of(i: int) -> bytes:
        key = keyed.get(i)
        if key is None:
            key = keyed[i] = text_key(chunks[i].text)
        return key

    # Title names are kept whole by jieba (qa.tokenize.corpus_words); queries use the same words.
    words = corpus_words(article.title for article in corpus.articles)
    tokenizer = tokenizer.with_words(words)
    carried = (
        carry_over(reuse.version_dir, origin, len(reuse.rows), embedder.space, embedder.dimension, reuse.manifest)
        if reuse is not None and any(row >= 0 for row in origin)
        else nothing_carried(len(chunks))
    )
    if reuse is not None and reuse.manifest.get("tokens") != TOKENS_KIND:
        carried.terms = None  # segmented by another tokenizer: every chunk is tokenised (or found in the cache)
    changed_words = set(words) ^ set(reuse.words) if reuse is not None else set()
    # Tokens of a text holding a corpus word added or removed since were segmented differently then.
    stale = _containing(chunks, changed_words)
    carried.retokenize(stale)
    with ChunkCache(index_dir / CACHE_FILE) as cache, ThreadPoolExecutor(1, "tokenize") as background:
        # Tokenising (jieba, pure Python) runs in a thread while the model embeds (torch and ONNX Runtime release
        # the GIL).
        need_tokens = carried.need_tokens().tolist()
        token_keys = [key_of(i) for i in need_tokens]
        found_tokens = {} if full else cache.tokens(TOKENS_KIND, set(token_keys))
        for i in stale:
            found_tokens.pop(key_of(i), None)
        missing_tokens = {key: chunks[i].text for i, key in zip(need_tokens, token_keys) if key not in found_tokens}
        tokenized = background.submit(
            lambda: list(zip(missing_tokens, tokenizer.tokens_of_all(missing_tokens.values()), strict=True))
        )
        todo = carried.need_vectors().tolist()
        new_vectors, summary.embedded = _vectors(
            [chunks[i] for i in todo],
            [key_of(i) for i in todo],
            embedder,
            cache,
            reuse,
            full,
            show_progress,
            carried.carried_rows(),
        )
        dense = None
        if chunks and carried.dense is not None:  # IVF: copy the previous lists, add the new rows
            dense = carried.dense.extended(carried.vector_origin(), new_vectors, dense_config)
        if dense is None:
            vectors, lists = carried.vectors(new_vectors, embedder.dimension)
            dense = (
                DenseIndex.build(vectors, dense_config, previous=carried.dense, lists=lists)
                if chunks
                else DenseIndex.empty(embedder.dimension)
            )
        computed = tokenized.result()
        if computed:
            cache.put_tokens(TOKENS_KIND, computed)
        found_tokens.update(computed)
        terms = carried.term_counts([found_tokens[key] for key in token_keys])
        data = IndexData(
            articles={a.id: a for a in corpus.articles},
            chunks=chunks,
            dense=dense,
            sparse=SparseIndex.from_counts(terms),
            manifest=make_manifest(
                embedder.name,
                embedder.dimension,
                len(corpus.articles),
                len(chunks),
                dense_index=dense.kind,
                vector_space=embedder.space,
                tokens=TOKENS_KIND,
                **chunking,
                words=len(words),
            ),
            words=words,
            sources={source: record.to_dict() for source, record in corpus.records.items()},
            terms=terms,
            copies=_row_copies(reuse, corpus.articles, same, origin),
        )
        summary.version_dir = save_index(index_dir, data)
        _remember(
            Previous(
                summary.version_dir,
                data.manifest,
                data.articles,
                chunks_by_article(chunks),
                chunks,
                corpus.records,
                words,
                data.offsets,
            )
        )
        _trim_cache(cache, lambda: [key_of(i) for i in range(len(chunks))], len(chunks), embedder.dimension)
    try:
        summary.removed_versions = prune_versions(index_dir, keep_versions)
    except OSError as exc:  # the new version is in place; old ones can go next time
        logger.warning("could not remove old versions: %s", exc)
    summary.chunks = len(chunks)
    summary.seconds = time.perf_counter() - started
    return summary


def _up_to_date(previous: Previous, articles: list[Article], embedder: Embedder, summary: BuildSummary) -> bool:
    """Whether the previous version already is what this build would write."""
    return (
        previous.records is not None  # else write a version that has them
        and manifest_space(previous.manifest) == embedder.space
        and not (summary.added or summary.changed or summary.removed)
        and [a.id for a in articles] == list(previous.articles)
    )


def _vectors(
    chunks: list[Chunk],
    keys: list[bytes],
    embedder: Embedder,
    cache: ChunkCache,
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
    ``qa.distributed.ray_embedder.RayEmbedder``) embeds later batches while earlier ones are committed."""
    encode_batches = getattr(embedder, "encode_batches", None)
    if encode_batches is not None:
        yield from encode_batches(batches)
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


def _row_copies(
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


def _containing(chunks: list[Chunk], words: set[str]) -> list[int]:
    """Positions of the chunks whose text contains any of ``words``."""
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return [i for i, chunk in enumerate(chunks) if pattern.search(chunk.text)]


def _trim_cache(cache: ChunkCache, keys: Callable[[], list[bytes]], count: int, dimension: int) -> None:
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


def _progress(total: int, label: str, enabled: bool) -> Any:
    if not enabled or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="chunk")
