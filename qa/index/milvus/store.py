"""``MilvusStore``: the ``VersionStore`` of QA_INDEX_STORE=milvus (servers) and where builds publish to."""

import logging
import re
from typing import Any

from qa.errors import IndexNotReady, IndexStoreError
from qa.index.milvus import layout
from qa.index.milvus.client import connect
from qa.index.milvus.reader import Loaded, load_published
from qa.index.milvus.records import delete_large, keys_with_prefix, read_small
from qa.index.milvus.writer import Publisher
from qa.index.store import IndexData
from qa.index.terms import TermCounts
from qa.settings import Settings

logger = logging.getLogger(__name__)

GENERATION = r"\d{8}T\d{12}Z"  # a generation is named after its first version (qa.index.store.write_version)


class MilvusStore:
    """Versions in Milvus under one alias (``qa.index.milvus.layout``)."""

    kind = "milvus"

    def __init__(self, client: Any, alias: str, *, keep: int = 3, flat_max: int = 20_000) -> None:
        self.client = client
        self.alias = alias
        self.keep = keep
        self.publisher = Publisher(client, alias, flat_max)
        self.meta = layout.meta_name(alias)
        self._loaded: Loaded | None = None  # what the last load read (the reloader loads one version at a time)

    @classmethod
    def from_settings(cls, settings: Settings) -> "MilvusStore":
        token = settings.milvus_token.get_secret_value() if settings.milvus_token else ""
        return cls(
            connect(settings.milvus_uri, token),
            settings.milvus_collection,
            keep=settings.keep_versions,
            flat_max=settings.dense_flat_max,
        )

    def current(self) -> str:
        try:
            generation = self.publisher.served_generation()
            pointer = self.publisher.pointer(generation) if generation else None
        except Exception as exc:
            raise IndexStoreError(f"cannot read the served version from Milvus ({_line(exc)})") from exc
        if pointer is None:
            raise IndexNotReady(
                f"no index has been published to Milvus under {self.alias!r} yet: build one with "
                "`python build_index.py` (QA_INDEX_STORE=milvus)"
            )
        return pointer.version

    def versions(self) -> list[str]:
        if not self.publisher.meta_ready():
            return []
        prefix = "version/"
        return [key[len(prefix) :] for key in keys_with_prefix(self.client, self.meta, prefix)]

    def published(self) -> str | None:
        """The served version, None before the first publish (``qa.indexing.options.Publisher``)."""
        try:
            return self.current()
        except IndexNotReady:
            return None

    def load(self, name: str, model: str | None) -> IndexData:
        """Version ``name``; after an incremental publish, reading only the rows that changed since the last load."""
        data, self._loaded = load_published(self.client, self.alias, name, model, self._loaded)
        return data

    def publish(self, data: IndexData, terms: TermCounts, *, full: bool = False) -> str:
        """Publish a version a build wrote and serve it; then drop what no kept version needs."""
        how = self.publisher.publish(data, terms, full=full)
        try:
            self.prune()
        except Exception as exc:  # the new version serves; old ones can go next time
            logger.warning("could not remove old versions from Milvus: %s", _line(exc))
        return how

    def prune(self) -> list[str]:
        """Keep the newest ``keep`` versions and the served one; drop the rest and rows none of them holds."""
        try:
            current = self.current()
        except IndexStoreError:
            return []
        records = {name: read_small(self.client, self.meta, f"version/{name}") for name in self.versions()}
        names = [name for name, record in records.items() if record is not None]
        # Versions published after the served one were abandoned by a failed publish (publishes take turns).
        older = [name for name in names if name <= current]
        kept = set(older[-self.keep :]) | {current}
        removed = [name for name in names if name not in kept]
        for name in removed:
            record = records[name]
            delete_large(self.client, self.meta, f"words/{name}", record["words"])
            delete_large(self.client, self.meta, f"stories/{name}", record["stories"])
            self.client.delete(self.meta, ids=[f"version/{name}"])
        oldest: dict[str, int] = {}
        for name in kept:
            record = records[name]
            generation, seq = record["generation"], int(record["seq"])
            oldest[generation] = min(seq, oldest.get(generation, seq))
        self._drop_generations(set(oldest))
        for generation, seq in oldest.items():
            for collection in (
                layout.chunks_name(self.alias, generation),
                layout.articles_name(self.alias, generation),
            ):
                self.client.delete(collection, filter=f"died <= {seq}")
        return removed

    def _drop_generations(self, kept: set[str]) -> None:
        ours = re.compile(rf"{re.escape(self.alias)}_({GENERATION})(?:_articles)?")
        for collection in self.client.list_collections():
            match = ours.fullmatch(collection)
            if match is None:  # the meta collection, or another alias's
                continue
            generation = match[1]
            if generation not in kept:
                self.client.drop_collection(collection)
                self.client.delete(self.meta, ids=[f"current/{generation}"])
                logger.info("dropped Milvus collection %s (no kept version is in it)", collection)


def _line(exc: Exception) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    return text if len(text) <= 200 else text[:200] + "..."
