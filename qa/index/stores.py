"""The index store a setting names: version folders on local disk (``faiss``) or Milvus (``milvus``)."""

from pathlib import Path
from typing import TYPE_CHECKING

from qa.index.protocol import VersionStore
from qa.index.store import VERSIONS, IndexData, current_version_dir, load_version, version_names
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.index.milvus.store import MilvusStore


class FaissStore:
    """Versions as folders under ``index_dir`` (qa/index/store.py), ``CURRENT`` naming the served one."""

    kind = "faiss"

    def __init__(self, index_dir: Path, mmap: bool = False) -> None:
        self.index_dir = index_dir
        self.mmap = mmap  # map the index files: server processes share one copy (qa.index.store.load_version)

    def current(self) -> str:
        return current_version_dir(self.index_dir).name

    def versions(self) -> list[str]:
        return version_names(self.index_dir)

    def load(self, name: str, model: str | None) -> IndexData:
        return load_version(self.index_dir / VERSIONS / name, model, mmap=self.mmap)


def open_store(settings: Settings) -> VersionStore:
    """The store servers answer from. For ``milvus`` this connects (a clear ``IndexStoreError`` when it cannot)."""
    if settings.index_store == "milvus":
        from qa.index.milvus.store import MilvusStore  # pymilvus is imported only when Milvus is used

        return MilvusStore.from_settings(settings)
    return FaissStore(settings.index_dir, mmap=settings.mmap_index)


def publisher_for(settings: Settings) -> "MilvusStore | None":
    """Where builds publish each version besides the index folder: Milvus when it is the store, else nowhere."""
    store = open_store(settings) if settings.index_store == "milvus" else None
    return store  # type: ignore[return-value]
