"""What the worst conversations cost the live server: CPU per request, and other clients' latency meanwhile.

    .venv/bin/python -m bench.conversation_costs [--requests 8] [--clients 8] [--seconds 30]

Starts the real server (uvicorn, one process, the fake ``hash-test`` model) on the passages of the CMRC
2018 trial set. The requests come from tests/worst_case.py: every message as long as the API allows,
rare characters the part-of-speech model has never seen, no punctuation but what makes each earlier
turn a follow-up the resolver must read and rewrite.

1. CPU: for each conversation kind and each door (/ask, /v1/chat/completions plain and streamed),
   ``--requests`` requests one at a time, each with new text (nothing the server remembers), and the
   server process's CPU time (/proc) per request. Then the same with the query the server understood,
   asked alone (no history): what retrieving and answering that query costs. The difference is what
   the conversation costs beyond retrieval (target: at most 200 ms).
2. Other clients: ``--clients`` clients send worst-case conversations back to back for ``--seconds``
   while one light client asks a CMRC question (no history) every 100 ms; its latency p50/p95/max
   (target: p95 under 100 ms), against the same light client on an idle server.
"""

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from qa.testing.conversations import DOORS, TRIAL_SET, load_passages, write_corpus
from qa.testing.server import LiveServer, start_server
from qa.testing.worst_case import STRATEGIES, Conversation

TICK = os.sysconf("SC_CLK_TCK")
LIGHT_EVERY = 0.1  # seconds between the light client's questions


def server_cpu(server: LiveServer) -> float:
    """Seconds of CPU the server process has used (user + system, all its threads)."""
    fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def body(door: str, conversation: Conversation) -> tuple[str, bytes]:
    question, history = conversation
    turns = [{"role": m.role, "content": m.content} for m in history]
    if door == "ask":
        payload: dict[str, Any] = {"question": question, "history": turns}
        path = "/ask"
    else:
        payload = {"messages": [*turns, {"role": "user", "content": question}], "stream": door == "chat-stream"}
        path = "/v1/chat/completions"
    return path, json.dumps(payload, ensure_ascii=False).encode()


def send(client: httpx.Client, path: str, content: bytes) -> str:
    """POST and read the whole answer; the query the server searched for (the question when not a follow-up)."""
    headers = {"content-type": "application/json"}
    with client.stream("POST", path, content=content, headers=headers) as response:
        text = response.read().decode()
        if response.status_code != 200 or '"error"' in text:
            raise RuntimeError(f"{path}: {response.status_code} {text[:300]}")
    if path == "/ask":
        answer = json.loads(text)
        return answer["resolved_question"] or answer["question"]
    return ""


def cpu_per_request(server: LiveServer, client: httpx.Client, requests: list[tuple[str, bytes]]) -> float:
    """Milliseconds of server CPU per request, sending ``requests`` one at a time."""
    before = server_cpu(server)
    for path, content in requests:
        send(client, path, content)
    return (server_cpu(server) - before) * 1000 / len(requests)


def measure_cpu(server: LiveServer, client: httpx.Client, count: int) -> list[dict[str, Any]]:
    rows = []
    for name, make in STRATEGIES.items():
        conversations = [make(random.Random(1000 + n)) for n in range(count)]
        # The queries the server understood (through /ask), asked alone: the cost of retrieving and answering.
        queries = [send(client, *body("ask", c)) for c in conversations]
        alone = [body("ask", (query[:1000], [])) for query in queries]
        baseline = cpu_per_request(server, client, alone)
        for door in DOORS:
            fresh = [make(random.Random(2000 + 100 * DOORS.index(door) + n)) for n in range(count)]
            ms = cpu_per_request(server, client, [body(door, c) for c in fresh])
            rows.append({"kind": name, "door": door, "cpu_ms": ms, "alone_ms": baseline, "beyond_ms": ms - baseline})
    return rows


def light_latency(base: str, seconds: float, questions: list[str]) -> list[float]:
    """Milliseconds per light question (a CMRC question, no history), one every LIGHT_EVERY seconds."""
    latencies = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=60) as client:
        for question in questions:
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            response = client.post("/ask", json={"question": question})
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"light /ask: {response.status_code} {response.text[:200]}")
            time.sleep(max(0.0, LIGHT_EVERY - latencies[-1] / 1000))
    return latencies


def under_load(server: LiveServer, clients: int, seconds: float, questions: list[str]) -> dict[str, Any]:
    """The light client's latency while ``clients`` send worst-case conversations back to back."""
    stop = threading.Event()
    done: list[float] = []
    errors: list[str] = []
    kinds = list(STRATEGIES.values())

    def heavy(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=server.base, timeout=120) as client:
            n = 0
            while not stop.is_set():
                # New text each time: nothing the server remembers from an earlier request helps.
                path, content = body(DOORS[n % len(DOORS)], kinds[n % len(kinds)](rng))
                started = time.perf_counter()
                try:
                    send(client, path, content)
                except (httpx.HTTPError, RuntimeError) as exc:
                    errors.append(str(exc)[:200])
                done.append((time.perf_counter() - started) * 1000)
                n += 1

    threads = [threading.Thread(target=heavy, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # every client has a request in flight
    cpu_before = server_cpu(server)
    # In a process of its own: the heavy clients' work in this one does not delay it.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as light:
        latencies = light.submit(light_latency, server.base, seconds, questions).result()
    cpu = server_cpu(server) - cpu_before
    stop.set()
    for thread in threads:
        thread.join()
    return {"light": latencies, "heavy": done, "errors": errors, "server_cpu_share": cpu / seconds}


def summary(values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[-1]
    return f"p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, max {max(values):.0f} ms (n={len(values)})"


def run(requests: int, clients: int, seconds: float, report: Callable[[str], None] = print) -> bool:
    passages = load_passages()
    questions = [q for p in passages for q in p.questions]
    random.Random(15).shuffle(questions)
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(passages, Path(tmp) / "corpus")
        server = start_server(
            Path(tmp) / "index",
            corpus=Path(tmp) / "corpus",
            build=True,
            model="hash-test",
            log_level="info",
            reload_interval=0,
        )
        try:
            with httpx.Client(base_url=server.base, timeout=120) as client:
                rows = measure_cpu(server, client, requests)
            report("| conversation | door | server CPU per request | its query alone | beyond retrieval |")
            report("| --- | --- | ---: | ---: | ---: |")
            for row in rows:
                report(
                    f"| {row['kind']} | {row['door']} | {row['cpu_ms']:.0f} ms | {row['alone_ms']:.0f} ms "
                    f"| {row['beyond_ms']:.0f} ms |"
                )
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as light:
                idle = light.submit(light_latency, server.base, seconds / 3, questions).result()
            loaded = under_load(server, clients, seconds, questions[len(idle) :])
        finally:
            server.stop()
    worst = max(row["beyond_ms"] for row in rows)
    report(f"most CPU beyond retrieval: {worst:.0f} ms per request (target <= 200 ms)")
    report(f"light client, idle server: {summary(idle)}")
    report(
        f"light client, {clients} clients sending worst-case conversations: {summary(loaded['light'])}; "
        f"their requests: {summary(loaded['heavy'])}, failed {len(loaded['errors'])}; "
        f"server CPU {loaded['server_cpu_share']:.2f} cores"
    )
    p95 = statistics.quantiles(loaded["light"], n=20)[-1]
    for error in loaded["errors"][:5]:
        report(f"  {error}")
    return worst <= 200 and p95 < 100 and not loaded["errors"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=8, help="requests per conversation kind and door")
    parser.add_argument("--clients", type=int, default=8, help="clients sending worst-case conversations")
    parser.add_argument("--seconds", type=float, default=30, help="how long the light client measures under load")
    args = parser.parse_args()
    if not TRIAL_SET.is_file():
        sys.exit(f"{TRIAL_SET} is not there (it ships beside the repository in ../shared)")
    sys.exit(0 if run(args.requests, args.clients, args.seconds) else 1)


if __name__ == "__main__":
    main()
