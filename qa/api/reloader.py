"""Live swap: load a new index version off the request path, then publish it in one assignment.

Routes read ``ServedIndex.service`` once per request (``ServiceDep``) and use that object to the end,
so each response comes from one complete version. The reloader loads the version the store names as
current (``CURRENT`` of the index folder, or the Milvus alias: ``qa.index.protocol.VersionStore``) in a
worker thread while the old service keeps answering, then replaces ``ServedIndex.service``. A version
that fails to load (missing, truncated or garbage files, a bad manifest, another model) is logged and
skipped; the old one keeps serving and ``/health`` reports the problem in ``problem``. A server with
nothing to serve yet (at startup) falls back to the newest older version that loads.
"""

import asyncio
import logging

from qa.answering.judge import Judge
from qa.answering.service import QAService
from qa.embedders.protocol import Embedder
from qa.errors import IndexNotReady
from qa.index.protocol import VersionStore
from qa.text.segmentation import Tokenizer

logger = logging.getLogger(__name__)


class ServedIndex:
    """The version being answered from (``service``), and what is wrong with the index if anything (``problem``,
    shown by /health and in 503s). Only the reloader writes it; a request reads ``service`` once."""

    def __init__(self) -> None:
        self.service: QAService | None = None
        self.problem: str | None = None


class IndexReloader:
    """Keeps ``served.service`` on the version ``store`` names as current."""

    def __init__(
        self,
        served: ServedIndex,
        store: VersionStore,
        embedder: Embedder,
        tokenizer: Tokenizer,
        *,
        candidates: int = 30,
        nprobe: int | None = None,
        judge: Judge | None = None,
    ) -> None:
        self._served = served
        self.store = store
        self._embedder = embedder
        self._tokenizer = tokenizer
        self._candidates = candidates
        self._nprobe = nprobe  # IVF lists scanned per question (QA_DENSE_NPROBE), whatever the build chose
        self._judge = judge  # decides what is answered (QA_MIN_CONFIDENCE); None: the bundled one per version
        self._lock = asyncio.Lock()
        self._failed: str | None = None  # a version that failed to load: not retried by the watcher
        self._pointer_failed = False  # the pointer could not be read: not retried by the watcher

    @property
    def served_version(self) -> str | None:
        service: QAService | None = self._served.service
        return service.data.version if service is not None else None

    def _problem(self, reason: str) -> str:
        """What /health and a 503 say: the reason, and which version is answering meanwhile."""
        served = self.served_version
        return f"{reason}; still serving version {served}" if served else reason

    def _load(self, name: str) -> QAService:
        data = self.store.load(name, self._embedder.name)
        if self._nprobe is not None:
            data.dense.set_nprobe(self._nprobe)
        return QAService(data, self._embedder, self._tokenizer, self._candidates, judge=self._judge)

    async def reload(self, retry_failed: bool = True) -> str | None:
        """Serve the store's current version if it is not served yet; returns the served version.

        With nothing served yet and the current version unusable (e.g. damaged by a power cut), the newest
        kept version that loads is served instead, and ``problem`` says so."""
        async with self._lock:
            try:
                target = await asyncio.to_thread(self.store.current)
            except IndexNotReady as exc:
                if self._served.service is None:
                    self._served.problem = str(exc)
                return self.served_version
            except Exception as exc:
                if self._pointer_failed and not retry_failed:
                    return self.served_version
                self._pointer_failed = True
                logger.error("cannot read the index pointer: %s", exc)
                if self._served.service is None and await self._fall_back(None, str(exc)):
                    return self.served_version
                self._served.problem = self._problem(str(exc))
                return self.served_version
            self._pointer_failed = False
            if target == self.served_version:  # e.g. CURRENT was rolled back after a bad version
                self._served.problem = None
                self._failed = None
                return self.served_version
            if target == self._failed and not retry_failed:
                return self.served_version
            try:
                service = await asyncio.to_thread(self._load, target)
            except Exception as exc:
                self._failed = target
                reason = f"cannot load {target}: {exc}"
                if self._served.service is None:
                    if not await self._fall_back(target, reason):
                        self._served.problem = str(exc)
                        logger.error("not serving answers: %s", exc)
                else:
                    logger.error("keeping version %s: %s", self.served_version, reason)
                    self._served.problem = self._problem(reason)
                return self.served_version
            self._swap(service)
            return self.served_version

    def _swap(self, service: QAService) -> None:
        previous = self.served_version
        self._served.service = service  # the swap: one assignment
        self._served.problem = None
        self._failed = None
        data = service.data
        logger.info(
            "serving index %s (was %s): %d articles, %d chunks",
            data.version,
            previous,
            len(data.articles),
            len(data.chunks),
        )

    async def _fall_back(self, skip: str | None, reason: str) -> bool:
        """Serve the newest kept version other than ``skip`` that loads; False when none does."""
        try:
            names = await asyncio.to_thread(self.store.versions)
        except Exception as exc:
            logger.error("cannot list the kept versions: %s", exc)
            return False
        for name in reversed(names):
            if name == skip:
                continue
            try:
                service = await asyncio.to_thread(self._load, name)
            except Exception as exc:
                logger.error("older version %s cannot be loaded either: %s", name, exc)
                continue
            self._served.service = service
            self._served.problem = f"{reason}; serving older version {name} instead"
            logger.error("%s; serving older version %s instead", reason, name)
            return True
        return False

    async def watch(self, interval: float) -> None:
        """Check the pointer every ``interval`` seconds (other processes, e.g. the CLI, switch it)."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.reload(retry_failed=False)
            except Exception:  # keep watching whatever happens
                logger.exception("index reload failed")
