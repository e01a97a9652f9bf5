"""The real server in a child process, a bounded closed-loop load on loopback, and its memory from /proc."""

import contextlib
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from qa.testing.server import LiveServer, start_server


def memory(server: LiveServer) -> dict[str, float]:
    """Resident memory of all its processes in MiB: RSS (shared pages counted in each) and PSS (shared)."""
    rss = pss = 0
    for pid in server.pids():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name == "Rss":
                    rss += int(value.split()[0])
                elif name == "Pss":
                    pss += int(value.split()[0])
    return {"rss_mib": rss / 1024, "pss_mib": pss / 1024}


@contextlib.contextmanager
def serve(index_dir: Path, corpus_dir: Path, model: str, workers: int = 1, **settings: object) -> Iterator[LiveServer]:
    """``server.py`` on a free loopback port, until every worker answers /health; stopped afterwards.
    ``settings`` are ``Settings`` fields (``query_cache=0``)."""
    settings = {"model": model, "log_level": "warning", **settings}
    # Large indexes take a while to load on a busy machine: five minutes rather than the usual 90 s.
    with start_server(index_dir, corpus=corpus_dir, workers=workers, timeout=300, **settings) as server:
        yield server


@dataclass
class Load:
    clients: int
    requests: int
    failures: int
    seconds: float
    latencies_ms: list[float]
    errors: list[str]

    @property
    def qps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]


def load(base: str, questions: list[str], clients: int, max_requests: int, max_seconds: float) -> Load:
    """``clients`` clients, each on its own keep-alive connection, asking back to back (closed loop) until
    ``max_requests`` answers in all or ``max_seconds``. Questions are taken in turn, none asked twice
    while there are fresh ones."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                began = time.perf_counter()
                try:
                    response = http.post("/ask", json={"question": questions[n % len(questions)]})
                    ok = response.status_code == 200
                except httpx.HTTPError as exc:
                    ok, response = False, exc
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failures.append(f"{type(response).__name__}: {response}")

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(clients, len(latencies), len(failures), time.perf_counter() - began, latencies, failures[:3])
