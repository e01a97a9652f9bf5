"""How a build chunks, indexes and keeps versions: one object, made once from ``Settings``."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from qa.index.dense import DenseConfig
from qa.indexing.chunking import CHUNKING_REVISION, DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.index.store import IndexData
    from qa.index.terms import TermCounts


class Publisher(Protocol):
    """Where a build also puts each version it writes (``qa.index.milvus.store.MilvusStore``), before the index
    folder's ``CURRENT`` moves: a failed publish leaves both on the previous version."""

    def published(self) -> str | None:
        """The version served from there now (None: nothing yet)."""
        ...

    def publish(self, data: "IndexData", terms: "TermCounts", *, full: bool = False) -> str:
        """Publish a written version and serve it; returns how ("full" or "incremental")."""
        ...


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build needs besides its folders, embedder and tokenizer."""

    chunk_size: int = DEFAULT_CHUNK_SIZE
    chunk_overlap: int = DEFAULT_CHUNK_OVERLAP
    keep_versions: int = 3  # versions kept on disk, the new one included
    lock_timeout: float = 30.0  # seconds to wait for another running build
    dense: DenseConfig = field(default_factory=DenseConfig)
    show_progress: bool = False  # a progress bar while embedding (the CLI)
    default_date: str | None = None  # ISO date of articles nothing else dates (QA_DEFAULT_DATE)
    publisher: Publisher | None = None  # QA_INDEX_STORE=milvus: the store each version is published to

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ValueError(f"chunk_overlap must be >= 0 and < chunk_size, got {self.chunk_overlap}")
        if self.keep_versions < 1:
            raise ValueError(f"keep_versions must be >= 1, got {self.keep_versions}")
        if self.lock_timeout < 0:
            raise ValueError(f"lock_timeout must be >= 0, got {self.lock_timeout}")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> "BuildOptions":
        """The options ``QA_*`` settings give; ``overrides`` (e.g. ``show_progress=True``) win."""
        values: dict[str, object] = {
            "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap,
            "keep_versions": settings.keep_versions,
            "lock_timeout": settings.build_lock_timeout,
            "dense": DenseConfig.from_settings(settings),
            "default_date": settings.default_date.isoformat() if settings.default_date else None,
        }
        return cls(**{**values, **overrides})  # type: ignore[arg-type]

    @property
    def chunking(self) -> dict[str, int]:
        """What the manifest records of the chunking (a change re-chunks every article)."""
        return {
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "chunking_revision": CHUNKING_REVISION,
        }
