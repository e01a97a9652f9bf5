"""Hold load while the index changes under it: no request may fail, no client may see an older version.

    .venv/bin/python -m bench.load_test [--seconds 60] [--clients 8] [--model hash-test]

Starts the real server (uvicorn) on loopback over generated articles and the sample page, then for
``--seconds`` runs ``--clients`` threads that ask questions (``/ask``, and every fifth request a
streamed ``/v1/chat/completions``), read the cited article and ``/health``, while a churn thread
cycles through: adding articles through the admin API (an incremental update), adding a file and
running the CLI build in another process, starting a full CLI build and killing it with SIGKILL at a
random moment (after which the index on disk must load as a complete version), a full rebuild
through the admin API, and deleting an article. At the end every article that should exist is
fetched: data lost must be none. Prints requests, failures and latency percentiles.
tests/e2e/test_load.py runs it for ``QA_LOAD_SECONDS`` (default 10) seconds.
"""

import argparse
import json
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from qa.index.store import load_index
from qa.testing.generated import article, question, write_corpus, write_jsonl
from qa.testing.samples import SAMPLE_PAGE
from qa.testing.server import LiveServer, start_server

TOKEN = "load-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
INITIAL = 300
SLOW_MS = 250


@dataclass
class Result:
    seconds: float
    clients: int
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)
    slow: list[tuple[float, float]] = field(default_factory=list)  # (when, ms) of /ask answers over SLOW_MS
    steps: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, name) of churn steps
    versions_seen: set[str] = field(default_factory=set)
    churn: dict[str, int] = field(default_factory=dict)
    kills: int = 0
    first_ms: float = 0.0  # the server's first answer
    articles_expected: int = 0
    articles_found: int = 0

    def percentile(self, q: float) -> float:
        values = sorted(self.ask_ms)
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")

    def summary(self) -> str:
        steps = ", ".join(f"{n} {name}" for name, n in self.churn.items())
        return (
            f"{self.clients} clients for {self.seconds:.0f} s: {self.requests} requests "
            f"({self.requests / self.seconds:.0f}/s), {len(self.failures)} failed; "
            f"/ask latency median {statistics.median(self.ask_ms):.0f} ms, p95 {self.percentile(0.95):.0f} ms, "
            f"p99 {self.percentile(0.99):.0f} ms, max {max(self.ask_ms):.0f} ms (n={len(self.ask_ms)})\n"
            f"meanwhile: {steps}; {len(self.versions_seen)} index versions served; "
            f"builds killed with SIGKILL: {self.kills}, each leaving a complete version\n"
            f"articles that should exist: {self.articles_expected}, found: {self.articles_found} "
            f"(lost: {self.articles_expected - self.articles_found})\n"
            f"/ask answers over {SLOW_MS} ms: {len(self.slow)} ({self.slow_during()}); "
            f"the server's first answer, before the clients started: {self.first_ms:.0f} ms"
        )

    def slow_during(self) -> str:
        """Which churn steps the slow answers overlapped (a step runs in the server, or next to it)."""
        during: dict[str, int] = {}
        for when, ms in self.slow:
            names = {name for start, end, name in self.steps if start <= when and when - ms / 1000 <= end}
            for name in names or {"no churn step"}:
                during[name] = during.get(name, 0) + 1
        return ", ".join(f"{n} during {name}" for name, n in sorted(during.items())) or "none"


class Clients:
    def __init__(self, base: str, count: int, result: Result) -> None:
        self.base, self.result = base, result
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(count)]

    def fail(self, text: str) -> None:
        with self.lock:
            self.result.failures.append(text)

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        last_version = ""
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while not self.stop.is_set():
                try:
                    count, latency, version = self._round(http, rng)
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    self.fail(f"{type(exc).__name__}: {exc}")
                    continue
                with self.lock:
                    self.result.requests += count
                    if latency is not None:
                        self.result.ask_ms.append(latency)
                        if latency > SLOW_MS:
                            self.result.slow.append((time.monotonic(), latency))
                    self.result.versions_seen.add(version)
                if version < last_version:
                    self.fail(f"went back from version {last_version} to {version}")
                last_version = max(last_version, version)

    def _round(self, http: httpx.Client, rng: random.Random) -> tuple[int, float | None, str]:
        text = question(rng.randrange(INITIAL))
        requests, latency = 0, None
        if rng.random() < 0.2:
            payload = {"stream": True, "messages": [{"role": "user", "content": text}]}
            with http.stream("POST", "/v1/chat/completions", json=payload) as response:
                lines = [line for line in response.iter_lines() if line.startswith("data: ")]
            requests += 1
            if response.status_code != 200 or lines[-1] != "data: [DONE]":
                self.fail(f"stream: {response.status_code} {lines[-3:]}")
            citations = json.loads(lines[-2][6:])["citations"] if len(lines) > 2 else []
        else:
            started = time.perf_counter()
            response = http.post("/ask", json={"question": text})
            latency = (time.perf_counter() - started) * 1000
            requests += 1
            if response.status_code != 200:
                self.fail(f"/ask: {response.status_code} {response.text[:200]}")
                return requests, None, ""
            citations = response.json()["citations"]
        if not citations:
            self.fail(f"no citations for {text}")
        else:
            cited = citations[0]
            got = http.get(f"/articles/{cited['article_id']}")
            requests += 1
            # The article may have been deleted by the churn since; otherwise the offsets must hold.
            if got.status_code == 200 and got.json()["body"][cited["start"] : cited["end"]] != cited["text"]:
                self.fail(f"citation offsets do not match article {cited['article_id']}")
            elif got.status_code not in (200, 404):
                self.fail(f"/articles: {got.status_code} {got.text[:200]}")
        health = http.get("/health")
        requests += 1
        if health.status_code != 200 or health.json()["status"] != "ok":
            self.fail(f"/health: {health.status_code} {health.text[:200]}")
        return requests, latency, health.json()["version"]

    def __enter__(self) -> "Clients":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


class Churn:
    """Changes the corpus and the index in every way a running service sees, round after round."""

    def __init__(self, server: LiveServer, result: Result, rng: random.Random) -> None:
        self.server, self.result, self.rng = server, result, rng
        self.expected = {f"gen-{n:05d}" for n in range(INITIAL)}
        self.next_number = 10_000
        self.http = httpx.Client(base_url=server.base, timeout=600, headers=AUTH)

    def count(self, step: str) -> None:
        self.result.churn[step] = self.result.churn.get(step, 0) + 1

    def new_articles(self, n: int) -> list[dict]:
        records = [article(self.next_number + i) for i in range(n)]
        self.next_number += n
        return records

    def check(self, response: httpx.Response) -> None:
        if response.status_code not in (200, 201):
            raise RuntimeError(f"admin call failed: {response.status_code} {response.text[:300]}")

    def add_through_api(self) -> None:
        records = self.new_articles(5)
        self.check(self.http.post("/articles", json=records))
        self.expected |= {r["id"] for r in records}
        self.count("API updates")

    def add_with_cli(self) -> None:
        records = self.new_articles(5)
        write_jsonl(self.server.corpus / f"cli-{self.next_number}.jsonl", records)
        build = self.server.cli_build()
        if build.returncode != 0:
            raise RuntimeError(f"CLI build failed: {build.stderr[-2000:]}")
        self.expected |= {r["id"] for r in records}
        self.count("CLI updates")

    def kill_a_build(self) -> None:
        records = self.new_articles(5)  # picked up by the next build, whichever it is
        write_jsonl(self.server.corpus / f"killed-{self.next_number}.jsonl", records)
        self.expected |= {r["id"] for r in records}
        child = self.server.start_cli_build("--full")
        lock = self.server.index / ".build.lock"
        deadline = time.monotonic() + 60
        while child.poll() is None and f"pid {child.pid}," not in (lock.read_text() if lock.exists() else ""):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        time.sleep(self.rng.uniform(0.0, 1.0))  # anywhere in the build: reading, embedding, writing, switching
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        load_index(self.server.index, "hash-test")  # whatever the moment: a complete version is current
        self.result.kills += 1

    def full_rebuild(self) -> None:
        self.check(self.http.post("/admin/reindex", json={"full": True}))
        self.count("full rebuilds")

    def delete_one(self) -> None:
        victim = self.rng.choice(sorted(i for i in self.expected if i >= "gen-01"))  # not one clients ask about
        self.check(self.http.delete(f"/articles/{victim}"))
        self.expected.discard(victim)
        self.count("deletions")

    def run(self, deadline: float) -> None:
        """Round after round of every kind of change until ``deadline``; the first round always runs whole,
        so even a short run on a slow machine kills a build, rebuilds and updates at least once."""
        steps = [self.add_through_api, self.full_rebuild, self.kill_a_build, self.add_with_cli, self.delete_one]
        first_round = True
        while first_round or time.monotonic() < deadline:
            for step in steps:
                started = time.monotonic()
                step()
                self.result.steps.append((started, time.monotonic(), step.__name__.replace("_", " ")))
                if not first_round and time.monotonic() >= deadline:
                    break
            first_round = False


def run(work: Path, seconds: float = 60, clients: int = 8, model: str = "hash-test", seed: int = 0) -> Result:
    corpus = work / "corpus"
    write_corpus(corpus, INITIAL)
    shutil.copy(SAMPLE_PAGE, corpus)
    settings = {"model": model, "admin_token": TOKEN, "reload_interval": 0.2, "log_level": "warning"}
    server = start_server(work / "index", corpus=corpus, build=True, log=work / "server.log", **settings)
    result = Result(seconds, clients)
    churn = Churn(server, result, random.Random(seed))
    churn.expected |= _page_ids(server)
    try:
        # The first question loads jieba's word-weight table (a second or two); measured apart.
        first = time.perf_counter()
        httpx.post(f"{server.base}/ask", json={"question": question(0)}, timeout=60).raise_for_status()
        result.first_ms = (time.perf_counter() - first) * 1000
        started = time.monotonic()
        with Clients(server.base, clients, result):
            churn.run(started + seconds)
        result.seconds = time.monotonic() - started
        # Data lost: every article that should exist is served, nothing else.
        churn.check(churn.http.post("/admin/reindex", json={"full": False}))
        result.articles_expected = len(churn.expected)
        with httpx.Client(base_url=server.base, timeout=60) as http:
            result.articles_found = sum(http.get(f"/articles/{i}").status_code == 200 for i in sorted(churn.expected))
            served = http.get("/health").json()["articles"]
        if served != result.articles_expected:
            result.failures.append(f"the index holds {served} articles, expected {result.articles_expected}")
        if "Traceback" in server.log():
            result.failures.append(f"server log has a traceback: {server.log()[-3000:]}")
    finally:
        churn.http.close()
        server.stop()
    return result


def _page_ids(server: LiveServer) -> set[str]:
    data = load_index(server.index, "hash-test")
    return {a.id for a in data.articles.values() if a.source == SAMPLE_PAGE.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--model", default="hash-test")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Path(tmp), args.seconds, args.clients, args.model, args.seed)
    print(result.summary())
    for failure in result.failures[:20]:
        print("FAILED:", failure)
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
