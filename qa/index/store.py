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
"""

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qa.errors import IndexIncompatible, IndexNotReady, IndexStoreError
from qa.index.dense import DenseIndex
from qa.index.sparse import SparseIndex
from qa.models import Article, Chunk

FORMAT_VERSION = 1
POINTER = "CURRENT"
VERSIONS = "versions"
PARTS = ("manifest.json", "articles.jsonl", "chunks.jsonl", "dense.faiss", "bm25")
WORDS = "words.txt"


@dataclass
class IndexData:
    """Everything a search needs, loaded in memory. Chunk ``i`` is row ``i`` of both indexes."""

    articles: dict[str, Article]
    chunks: list[Chunk]
    dense: DenseIndex
    sparse: SparseIndex
    manifest: dict[str, Any] = field(default_factory=dict)
    # Words the keyword index was segmented with (qa.tokenize.corpus_words); queries must use them too.
    words: list[str] = field(default_factory=list)

    @property
    def version(self) -> str | None:
        return self.manifest.get("version")


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


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_version(index_root: Path, data: IndexData) -> Path:
    """Write ``data`` as a new complete version folder and return it (not yet current)."""
    versions = index_root / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = versions / f".tmp-{name}-{os.getpid()}"
    staging.mkdir()
    manifest = {**data.manifest, "version": name}
    _write_jsonl(staging / "articles.jsonl", [a.to_dict() for a in data.articles.values()])
    _write_jsonl(staging / "chunks.jsonl", [c.to_dict() for c in data.chunks])
    data.dense.save(staging / "dense.faiss")
    data.sparse.save(staging / "bm25")
    (staging / WORDS).write_text("".join(f"{word}\n" for word in data.words), encoding="utf-8")
    # The manifest goes last: a folder without one was never finished.
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    _fsync_dir(staging)
    final = versions / name
    os.replace(staging, final)
    _fsync_dir(versions)
    data.manifest = manifest
    return final


def set_current(index_root: Path, version_dir: Path) -> None:
    """Make ``version_dir`` the served version in one atomic step."""
    tmp = index_root / f".{POINTER}.{os.getpid()}"
    tmp.write_text(version_dir.name + "\n", encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_root / POINTER)
    _fsync_dir(index_root)


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
        raise IndexNotReady(f"no index in {index_root}: build one with `python build_index.py`") from None
    if not name or "/" in name or name.startswith("."):
        raise IndexStoreError(f"{pointer} is corrupt: {name!r} is not a version name")
    return index_root / VERSIONS / name


def check_compatible(manifest: dict[str, Any], model: str | None, source: Path) -> None:
    """Raise ``IndexIncompatible`` when the index cannot be searched with this code and model."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexIncompatible(
            f"{source} has index format {manifest.get('format_version')!r}, this version reads "
            f"{FORMAT_VERSION}: rebuild with `python build_index.py --full`"
        )
    if model is not None and manifest.get("model") != model:
        raise IndexIncompatible(
            f"{source} was built with model {manifest.get('model')!r} but QA_MODEL is {model!r}: "
            "rebuild the index or set QA_MODEL to the index's model"
        )


def load_version(version_dir: Path, model: str | None = None) -> IndexData:
    """Load one version folder, checking that it is complete and matches ``model``."""
    missing = [part for part in PARTS if not (version_dir / part).exists()]
    if missing:
        raise IndexStoreError(f"index version {version_dir} is incomplete: missing {', '.join(missing)}")
    try:
        manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
        check_compatible(manifest, model, version_dir)
        articles = [Article.from_dict(row) for row in _read_jsonl(version_dir / "articles.jsonl")]
        chunks = [Chunk.from_dict(row) for row in _read_jsonl(version_dir / "chunks.jsonl")]
        dense = DenseIndex.load(version_dir / "dense.faiss")
        sparse = SparseIndex.load(version_dir / "bm25", len(chunks))
        words_path = version_dir / WORDS
        words = words_path.read_text(encoding="utf-8").split() if words_path.exists() else []
    except IndexIncompatible:
        raise
    except Exception as exc:  # any parse or read failure means the files are damaged
        raise IndexStoreError(f"index version {version_dir} is damaged: {exc}") from exc
    counts = (len(articles), len(chunks), len(chunks), manifest.get("dimension"))
    expected = (manifest.get("articles"), manifest.get("chunks"), len(dense), dense.dimension)
    if counts != expected:
        raise IndexStoreError(
            f"index version {version_dir} is inconsistent: manifest says {expected[:2]} articles/chunks, "
            f"files hold {counts[:2]}, dense index {len(dense)} rows of {dense.dimension}-d"
        )
    return IndexData({a.id: a for a in articles}, chunks, dense, sparse, manifest, words)


def load_index(index_root: Path, model: str | None = None) -> IndexData:
    """Load the current version of the index under ``index_root``."""
    return load_version(current_version_dir(index_root), model)


def remove_version(version_dir: Path) -> None:
    shutil.rmtree(version_dir, ignore_errors=True)
