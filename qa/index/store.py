"""A built index on disk: one complete version per folder, and a pointer file naming the current one.

Layout::

    index/
      CURRENT                 name of the version being served (replaced atomically)
      versions/<name>/
        manifest.json         format version, model, dimension, counts, build time
        articles.jsonl        the articles, for citations and /articles/{id}
        chunks.jsonl          the chunks, in the row order of both indexes
        dense.faiss           FAISS inner-product index
        bm25/                 bm25s keyword index
        words.txt             corpus words the tokenizer keeps whole (optional: older versions lack it)
        sources.json          per corpus file: size, mtime, article ids (lets the next build skip it)
        terms.npz             term counts per chunk (lets the next build skip tokenising; qa/index/terms.py)
        copies.json           groups of articles carrying one story (optional; qa/index/copies.py)
        copies.npz            MinHash signatures the groups were found from (read only by the next build)
      versions/.tmp-*/        a version being written (or abandoned by a killed build)
      cache.sqlite3           vectors and tokens per chunk text, shared by all versions (qa/index/chunk_cache.py)
      .build.lock             held by the running build (qa/index/lock.py)
"""

import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from qa.errors import IndexIncompatible, IndexNotReady, IndexStoreError
from qa.index.copies import StoryCopies
from qa.index.dense import DenseIndex
from qa.index.durable import fsync_dir, fsync_tree, make_dirs
from qa.index.jsonl import RowCopy, read_rows, write_rows
from qa.index.sparse import SparseIndex
from qa.index.terms import FILE as TERMS
from qa.index.terms import TermCounts
from qa.models import Article, Chunk

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
POINTER = "CURRENT"
VERSIONS = "versions"
ARTICLES = "articles.jsonl"
CHUNKS = "chunks.jsonl"
PARTS = ("manifest.json", ARTICLES, CHUNKS, "dense.faiss", "bm25")
WORDS = "words.txt"
SOURCES = "sources.json"  # optional part: versions written before it existed lack it
STAGING_PREFIX = ".tmp-"
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/'\"]+/)+([^\s/'\"]*)")


@dataclass
class IndexData:
    """Everything a search needs, loaded in memory. Chunk ``i`` is row ``i`` of both indexes."""

    articles: dict[str, Article]
    chunks: list[Chunk]
    dense: DenseIndex
    sparse: SparseIndex
    manifest: dict[str, Any] = field(default_factory=dict)
    # Words the keyword index was segmented with (qa.text.segmentation.corpus_words); queries must use them too.
    words: list[str] = field(default_factory=list)
    sources: dict[str, Any] | None = None
    terms: TermCounts | None = None  # written with the version, read only by the next build
    # Where each row of articles.jsonl and chunks.jsonl starts (qa.index.jsonl), once written or read;
    # and, when writing, which rows are copied from the previous version's files.
    offsets: dict[str, np.ndarray] = field(default_factory=dict)
    copies: dict[str, RowCopy] = field(default_factory=dict)
    # Copies of one story (the same wire story in several papers); None: a version written before they were found.
    stories: StoryCopies | None = None

    @property
    def version(self) -> str | None:
        return self.manifest.get("version")


def manifest_space(manifest: dict[str, Any]) -> str:
    """The ``Embedder.space`` of a version's vectors (versions before it was recorded: float, the model)."""
    return str(manifest.get("vector_space") or manifest.get("model"))


def make_manifest(model: str, dimension: int, articles: int, chunks: int, **extra: Any) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "model": model,
        "dimension": dimension,
        "articles": articles,
        "chunks": chunks,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]


def write_version(index_root: Path, data: IndexData) -> Path:
    """Write ``data`` as a new complete version folder and return it (not yet current).

    Every file and folder of the version is on disk (fsynced) before it gets its final name, so a
    version that ``CURRENT`` can name survives a power cut whole. A failed write leaves nothing behind."""
    versions = index_root / VERSIONS
    make_dirs(versions)
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = versions / f"{STAGING_PREFIX}{name}-{os.getpid()}"
    staging.mkdir()
    manifest = {**data.manifest, "version": name}
    try:
        offsets = _write_parts(staging, data, manifest)
        fsync_tree(staging)
        final = versions / name
        os.replace(staging, final)
        fsync_dir(versions)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    data.manifest, data.offsets, data.copies = manifest, offsets, {}
    return final


def _write_parts(staging: Path, data: IndexData, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    """Every part of a version into ``staging``; returns where each JSON Lines row starts."""
    # Article and Chunk are dataclasses whose fields are their to_dict(): orjson writes them directly.
    offsets = {
        part: write_rows(staging / part, rows, data.copies.get(part))
        for part, rows in ((ARTICLES, list(data.articles.values())), (CHUNKS, data.chunks))
    }
    data.dense.save(staging / "dense.faiss")
    data.sparse.save(staging / "bm25")
    (staging / WORDS).write_text("".join(f"{word}\n" for word in data.words), encoding="utf-8")
    if data.sources is not None:
        (staging / SOURCES).write_text(json.dumps(data.sources, ensure_ascii=False), encoding="utf-8")
    if data.terms is not None:
        data.terms.save(staging / TERMS)
    if data.stories is not None:
        data.stories.save(staging)
    # The manifest goes last: a folder without one was never finished.
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return offsets


def set_current(index_root: Path, version_dir: Path) -> None:
    """Make ``version_dir`` the served version in one atomic, durable step."""
    tmp = index_root / f".{POINTER}.{os.getpid()}"
    tmp.write_text(version_dir.name + "\n", encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_root / POINTER)
    fsync_dir(index_root)


def save_index(index_root: Path, data: IndexData) -> Path:
    """Write a new version and switch to it."""
    version_dir = write_version(index_root, data)
    set_current(index_root, version_dir)
    return version_dir


def current_version_dir(index_root: Path) -> Path:
    pointer = index_root / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotReady("no index has been built yet: build one with `python build_index.py`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexStoreError(f"the index pointer {POINTER} cannot be read ({_reason(exc, index_root)})") from exc
    if not name or "/" in name or name.startswith("."):
        raise IndexStoreError(f"the index pointer {POINTER} is corrupt: {name[:100]!r} is not a version name")
    return index_root / VERSIONS / name


def check_compatible(manifest: dict[str, Any], model: str | None, source: Path) -> None:
    """Raise ``IndexIncompatible`` when the index cannot be searched with this code and model."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexIncompatible(
            f"index version {source.name} has index format {manifest.get('format_version')!r}, this version reads "
            f"{FORMAT_VERSION}: rebuild with `python build_index.py --full`"
        )
    if model is not None and manifest.get("model") != model:
        raise IndexIncompatible(
            f"index version {source.name} was built with model {manifest.get('model')!r} but QA_MODEL is {model!r}: "
            "rebuild the index or set QA_MODEL to the index's model"
        )


def _read_part(version_dir: Path, part: str, read: Callable[[Path], Any]) -> Any:
    """``read(version_dir / part)``; any failure becomes an ``IndexStoreError`` naming the part."""
    try:
        return read(version_dir / part)
    except IndexStoreError:
        raise
    except Exception as exc:  # any parse or read failure means the file is damaged
        reason = _reason(exc, version_dir.parent)
        raise IndexStoreError(f"index version {version_dir.name} is damaged: {part} cannot be read ({reason})") from exc


def _reason(exc: BaseException, folder: Path) -> str:
    """``exc``'s message on one line, short, with paths relative to ``folder``: messages reach /health and 503s,
    which must not show where the server keeps its files."""
    text = " ".join(str(exc).split())
    for base in {str(folder), str(folder.resolve())}:
        text = text.replace(base + os.sep, "")
    text = _ABSOLUTE_PATH.sub(lambda m: m[1], text)  # any other path: its last part
    return text if len(text) <= 200 else text[:200] + "..."


def _manifest(path: Path) -> dict[str, Any]:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError(f"expected a JSON object, got {type(manifest).__name__}")
    return manifest


def load_version(version_dir: Path, model: str | None = None, mmap: bool = False) -> IndexData:
    """Load one version folder, checking that it is complete, consistent and matches ``model``.

    ``mmap`` maps the FAISS and BM25 arrays instead of copying them: processes serving the same
    version share one copy in the page cache. Versions are never modified once written, and a
    mapped file that a later build deletes stays readable until it is unmapped.
    """
    if not version_dir.is_dir():
        raise IndexStoreError(f"index version {version_dir.name} does not exist")
    missing = [part for part in PARTS if not (version_dir / part).exists()]
    if missing:
        raise IndexStoreError(f"index version {version_dir.name} is incomplete: missing {', '.join(missing)}")
    manifest = _read_part(version_dir, "manifest.json", _manifest)
    check_compatible(manifest, model, version_dir)
    articles = _read_part(version_dir, "articles.jsonl", lambda p: [Article.from_dict(r) for r in _read_jsonl(p)])
    chunks = _read_part(version_dir, "chunks.jsonl", lambda p: [Chunk.from_dict(r) for r in _read_jsonl(p)])
    dense = _read_part(version_dir, "dense.faiss", lambda p: DenseIndex.load(p, mmap=mmap))
    sparse = _read_part(version_dir, "bm25", lambda p: SparseIndex.load(p, len(chunks), mmap=mmap))
    counts = (len(articles), len(chunks), len(chunks), manifest.get("dimension"), len(chunks))
    expected = (manifest.get("articles"), manifest.get("chunks"), len(dense), dense.dimension, sparse.documents)
    if counts != expected:
        raise IndexStoreError(
            f"index version {version_dir.name} is inconsistent: manifest says {expected[:2]} articles/chunks, "
            f"files hold {counts[:2]}, dense index {len(dense)} rows of {dense.dimension}-d, "
            f"keyword index {sparse.documents} documents"
        )
    by_id = {a.id: a for a in articles}
    check_citations(version_dir.name, by_id, chunks)
    words = _read_part(version_dir, WORDS, read_words_file)
    stories = _read_part(version_dir, "copies.json", lambda p: StoryCopies.load(p.parent))
    return IndexData(by_id, chunks, dense, sparse, manifest, words, stories=stories)


def check_citations(name: str, articles: dict[str, Article], chunks: list[Chunk]) -> None:
    """Every citation must point into an article it can show: each chunk is its article's text at its offsets."""
    bodies: dict[str, str] = {}
    for chunk in chunks:
        article = articles.get(chunk.article_id)
        if article is not None and chunk.article_id not in bodies:
            bodies[chunk.article_id] = article.body
        if article is None or bodies[chunk.article_id][chunk.start : chunk.end] != chunk.text:
            raise IndexStoreError(
                f"index version {name} is inconsistent: chunk {chunk.id!r} does not match its article"
            )


def load_index(index_root: Path, model: str | None = None) -> IndexData:
    """Load the current version of the index under ``index_root``."""
    return load_version(current_version_dir(index_root), model)


def remove_version(version_dir: Path) -> None:
    shutil.rmtree(version_dir, ignore_errors=True)


def read_articles(version_dir: Path) -> list[Article]:
    return read_articles_and_offsets(version_dir)[0]


def read_articles_and_offsets(version_dir: Path) -> tuple[list[Article], np.ndarray | None]:
    """The articles of a version and where each row of its file starts (for ``RowCopy``)."""
    rows, offsets = read_rows(version_dir / ARTICLES)
    return [Article.from_dict(row) for row in rows], offsets


def read_chunks_and_offsets(version_dir: Path) -> tuple[list[Chunk], np.ndarray | None]:
    rows, offsets = read_rows(version_dir / CHUNKS)
    return [Chunk.from_dict(row) for row in rows], offsets


def read_manifest(version_dir: Path) -> dict[str, Any]:
    return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))


def read_sources(version_dir: Path) -> dict[str, Any] | None:
    """The per-file record of a version, or None when it has none (written by an older build)."""
    try:
        return json.loads((version_dir / SOURCES).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def read_terms(version_dir: Path) -> TermCounts | None:
    """The term counts of a version, or None when it has none (written by an older build)."""
    try:
        return TermCounts.load(version_dir / TERMS)
    except FileNotFoundError:
        return None


def read_stories(version_dir: Path) -> StoryCopies | None:
    """The copies of a version with their signatures, or None when it has none (written by an older build)."""
    return StoryCopies.load(version_dir, signatures=True)


def version_names(index_root: Path) -> list[str]:
    """Names of the finished versions, oldest first (names are UTC timestamps)."""
    versions = index_root / VERSIONS
    if not versions.is_dir():
        return []
    return sorted(
        p.name
        for p in versions.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()
    )


def prune_versions(index_root: Path, keep: int) -> list[str]:
    """Remove all but the newest ``keep`` versions, never the current one; returns the removed names.

    The previous version stays too (``keep`` >= 2): a server may still be loading it.
    """
    if keep < 2:
        raise ValueError(f"keep must be at least 2 (the current and the previous version), got {keep}")
    try:
        current = current_version_dir(index_root).name
    except IndexStoreError:
        return []  # without a readable pointer nothing is provably unused
    names = version_names(index_root)
    kept = set(names[-keep:]) | {current}
    removed = [name for name in names if name not in kept]
    for name in removed:
        remove_version(index_root / VERSIONS / name)
        logger.info("removed old index version %s", name)
    return removed


def clean_staging(index_root: Path) -> list[str]:
    """Remove what killed builds left behind. Call only while holding the build lock."""
    leftovers: list[Path] = []
    versions = index_root / VERSIONS
    if versions.is_dir():
        leftovers += [p for p in versions.iterdir() if p.name.startswith(STAGING_PREFIX)]
    if index_root.is_dir():
        leftovers += [p for p in index_root.iterdir() if p.name.startswith(f".{POINTER}.")]
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        logger.info("removed %s, left behind by an interrupted build", path)
    return [p.name for p in leftovers]


def read_words_file(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def read_words(version_dir: Path) -> list[str]:
    """Corpus words of a version (empty for versions written before they were kept)."""
    return read_words_file(version_dir / WORDS)
