"""An ``Embedder`` whose work runs on Ray actors: one model per actor, batches of chunk texts as tasks.

The build does not know the difference: ``qa.indexing.build`` hands it the texts the cache does not hold,
in the batches it commits to the cache, and gets the vectors back in order. Inside, each batch is
split into tasks of ``task_size`` texts, dispatched to an ``ActorPool`` (a bounded window of tasks
in flight, so every actor stays busy across batches) and reassembled in submission order.

Failures: actors are created with ``max_restarts`` and ``max_task_retries``, so Ray restarts a
dead actor (it loads its model again) and re-runs the task it was working on. Past those retries
the batch raises ``EmbeddingFailed``; the build stops before switching versions, so the previous
version keeps serving, and the vectors already committed to the cache are reused by the next build.

Ray is imported only when an embedder starts: ``import qa...`` works without the ``ray`` extra.
"""

import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedders.factory import load_embedder
from qa.embedders.protocol import vector_space
from qa.errors import EmbeddingFailed, MissingExtra

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[ray]' (or `make setup-ray`)"
# Seconds to wait for every actor to load its model before giving up (a cluster short of CPUs never places some).
START_TIMEOUT = 600.0
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the qa package, shipped to the cluster's workers


def require_ray() -> Any:
    """The ``ray`` module, or ``MissingExtra`` saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise MissingExtra(f"building on Ray needs the ray extra, which is not installed: {INSTALL_HINT}") from exc
    return ray


def connect(address: str | None = None, **options: Any) -> None:
    """``ray.init`` as a build needs it: the qa package shipped to the workers, no dashboard, quiet.

    ``options`` go to ``ray.init`` too (e.g. ``num_cpus`` for a local instance).
    """
    ray = require_ray()
    ray.init(
        address=address,
        # The qa package travels with the job: cluster nodes need its dependencies and the model, not the code.
        runtime_env={"py_modules": [str(PACKAGE_DIR)]},
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
        **options,
    )


class EmbeddingWorker:
    """What runs inside one Ray actor: one loaded model, encoding the batches it is sent."""

    def __init__(self, model: str, batch_size: int, quantize: str = "none", backend: str = "torch") -> None:
        self._embedder = load_embedder(model, batch_size=batch_size, quantize=quantize, backend=backend)

    def info(self) -> dict[str, Any]:
        try:
            import torch

            threads = torch.get_num_threads()
        except ImportError:
            threads = 0
        return {"pid": os.getpid(), "dimension": self._embedder.dimension, "threads": threads}

    def encode(self, task: int, texts: list[str]) -> tuple[int, int, np.ndarray]:
        return task, os.getpid(), self._embedder.encode(texts)


class RayEmbedder:
    """Embeds on Ray actors. Starts (connects, creates the actors) on first use; ``close()`` stops them.

    ``address``: None connects as ``ray.init()`` does (``RAY_ADDRESS``, else a cluster started with
    ``ray start`` on this machine, else a new local instance); ``"ray://host:10001"`` (Ray client)
    or ``"host:6379"`` connects to that cluster. An already initialised Ray (``ray.init`` called by
    the caller) is used as it is and left running by ``close()``.
    """

    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 32,
        quantize: str = "none",
        backend: str = "torch",
        address: str | None = None,
        actors: int = 0,
        cpus_per_actor: float = 1.0,
        task_size: int | None = None,
        max_restarts: int = 3,
        max_task_retries: int = 3,
    ) -> None:
        if actors < 0:
            raise ValueError(f"actors must be 0 (one per available CPU) or more, got {actors}")
        if cpus_per_actor <= 0:
            raise ValueError(f"cpus_per_actor must be positive, got {cpus_per_actor}")
        self._ray = require_ray()
        self.name = model
        self.space = vector_space(model, backend, quantize)
        self._quantize, self._backend = quantize, backend
        self._batch_size = batch_size
        self._address = address
        self._requested_actors = actors
        self._cpus_per_actor = cpus_per_actor
        self.task_size = task_size or batch_size
        if self.task_size < 1:
            raise ValueError(f"task_size must be at least 1, got {self.task_size}")
        self._max_restarts = max_restarts
        self._max_task_retries = max_task_retries
        self._dimension: int | None = None
        self._owns_ray = False
        self.actors: list[Any] = []
        self._started = False
        self.workers: list[dict[str, Any]] = []  # info() of each actor as first started
        self.tasks_done: Counter[int] = Counter()  # tasks finished, by actor process id
        self.completed_tasks = 0
        self.texts_sent = 0
        self.start_seconds = 0.0

    @property
    def dimension(self) -> int:
        self.start()
        return int(self._dimension or 0)

    def start(self) -> None:
        """Connect to Ray and start the actors (each loads the model); a no-op once started."""
        if self._started:
            return
        ray = self._ray
        started = time.perf_counter()
        if not ray.is_initialized():
            connect(self._address)
            self._owns_ray = True
        try:
            count = self._requested_actors or self._available_slots()
            options = {
                "num_cpus": self._cpus_per_actor,
                "max_restarts": self._max_restarts,
                "max_task_retries": self._max_task_retries,
            }
            worker_class = ray.remote(**options)(EmbeddingWorker)
            self.actors = [
                worker_class.remote(self.name, self._batch_size, self._quantize, self._backend) for _ in range(count)
            ]
            self.workers = self._wait_started()
        except BaseException:
            self.close()
            raise
        dimensions = {w["dimension"] for w in self.workers}
        if len(dimensions) != 1:
            self.close()
            raise EmbeddingFailed(f"the actors loaded different models for {self.name!r}: dimensions {dimensions}")
        self._dimension = dimensions.pop()
        self._started = True
        self.start_seconds = time.perf_counter() - started
        logger.info(
            "%d Ray actors embedding with %s (%d-d), %s CPU each; started in %.1f s",
            len(self.actors),
            self.name,
            self._dimension,
            self._cpus_per_actor,
            self.start_seconds,
        )

    def _available_slots(self) -> int:
        cpus = self._ray.available_resources().get("CPU", 0.0)
        return max(1, int(cpus // self._cpus_per_actor))

    def _wait_started(self) -> list[dict[str, Any]]:
        ray = self._ray
        refs = [actor.info.remote() for actor in self.actors]
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=START_TIMEOUT)
        if len(ready) < len(refs):
            raise EmbeddingFailed(
                f"only {len(ready)} of {len(refs)} Ray actors started within {START_TIMEOUT:.0f} s: "
                f"the cluster may lack {self._cpus_per_actor} free CPU per actor (set QA_RAY_ACTORS)"
            )
        try:
            return ray.get(refs)
        except ray.exceptions.RayError as exc:
            raise EmbeddingFailed(f"Ray actors could not load the model {self.name!r}: {exc}") from exc

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return next(self.encode_batches([texts]))

    def encode_batches(self, batches: Iterable[list[str]]) -> Iterator[np.ndarray]:
        """Vectors of each batch, in order, while later batches are already being embedded."""
        self.start()
        batches = list(batches)
        tasks: list[list[str]] = []
        spans: list[range] = []  # the tasks of each batch
        for batch in batches:
            first = len(tasks)
            tasks.extend(batch[i : i + self.task_size] for i in range(0, len(batch), self.task_size))
            spans.append(range(first, len(tasks)))
        # A pool per call: tasks left in flight by an earlier call that was abandoned cannot answer this one.
        pool = self._ray.util.ActorPool(self.actors)
        window = 2 * len(self.actors)  # in flight: one running and one queued per actor
        ahead = 8 * window  # finished tasks held while an earlier one (e.g. on a restarting actor) is awaited
        results: dict[int, np.ndarray] = {}
        submitted = completed = 0
        for span in spans:
            head = span.start  # the first task of this batch without a result yet
            while head < span.stop:
                if head in results:
                    head += 1
                    continue
                while submitted < len(tasks) and submitted - completed < window and submitted - head < ahead:
                    pool.submit(lambda actor, job: actor.encode.remote(*job), (submitted, tasks[submitted]))
                    self.texts_sent += len(tasks[submitted])
                    submitted += 1
                task, pid, vectors = self._next_result(pool)
                results[task] = vectors
                completed += 1
                self.completed_tasks += 1
                self.tasks_done[pid] += 1
            parts = [results.pop(task) for task in span]
            yield np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def _next_result(self, pool: Any) -> tuple[int, int, np.ndarray]:
        ray = self._ray
        try:
            return pool.get_next_unordered()
        except ray.exceptions.RayError as exc:
            raise EmbeddingFailed(f"embedding on Ray failed after retries: {exc}") from exc
        except StopIteration:  # every actor is dead and nothing is running
            raise EmbeddingFailed("embedding on Ray failed: no actor is left") from None

    def describe(self) -> str:
        """One line for the build's output: how the work was spread."""
        if not self.workers:
            return "ray: not started (nothing to embed)"
        spread = ", ".join(f"{count}" for _, count in sorted(self.tasks_done.items()))
        return (
            f"ray: {len(self.workers)} actors started in {self.start_seconds:.1f} s; "
            f"{self.completed_tasks} tasks of up to {self.task_size} texts (per actor process: {spread or 'none'})"
        )

    def close(self) -> None:
        """Stop the actors, and Ray itself if this embedder started it."""
        ray = self._ray
        for actor in self.actors:
            try:
                ray.kill(actor)
            except Exception as exc:  # already gone
                logger.debug("could not kill actor: %s", exc)
        self.actors, self._started = [], False
        if self._owns_ray and ray.is_initialized():
            ray.shutdown()
        self._owns_ray = False

    def __enter__(self) -> "RayEmbedder":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
