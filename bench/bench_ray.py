"""Scale-out costs: build throughput locally vs on Ray with the same CPUs, and queries/s with 1 and 2 workers.

    .venv/bin/python -m bench.bench_ray [--articles 150] [--repeat 3] [--cpus 2] [--model m3e-small]
                                        [--qps-seconds 20] [--concurrency 4] [--skip-build] [--skip-qps]

Builds: full builds of a generated corpus, alternating local and Ray runs (so load from elsewhere
on the machine hits both alike). Local: one process, torch with ``--cpus`` threads. Ray: a local
Ray instance with ``--cpus`` CPUs, one actor per CPU, one torch thread each. Actors are started
(Ray up, model loaded in every actor) before the build is timed; that start-up is reported apart.
With ``--model hash-test`` (no model: embedding is nearly free) the difference is the cost of
distribution itself.

Queries: the real server (``server.py``) with ``QA_WORKERS`` 1, then 2, on the same index; a
bounded closed loop of ``--concurrency`` clients on loopback, each request on a new connection
(so the kernel spreads them over the workers), for ``--qps-seconds``. The load generator runs on
the same machine and takes CPU from the server.

Prints markdown tables (medians).
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.serving import serve
from qa.embedders.factory import load_embedder
from qa.indexing.build import build_index
from qa.testing.generated import question, write_corpus
from qa.text.segmentation import Tokenizer


def measure_builds(corpus: Path, work: Path, model: str, cpus: int, repeat: int) -> dict[str, Any]:
    import ray
    import torch

    from qa.embedders.ray import RayEmbedder, connect

    tokenizer = Tokenizer()
    torch.set_num_threads(cpus)
    local = load_embedder(model)
    connect(num_cpus=cpus, _node_ip_address="127.0.0.1")
    started = time.perf_counter()
    distributed = RayEmbedder(model, actors=cpus, cpus_per_actor=1)
    distributed.start()
    start_seconds = time.perf_counter() - started
    times: dict[str, list[float]] = {"local": [], "ray": []}
    chunks = 0
    try:
        for _ in range(repeat):
            for kind, embedder in (("local", local), ("ray", distributed)):
                began = time.perf_counter()
                summary = build_index(corpus, work / f"index-{kind}", embedder, tokenizer, full=True)
                times[kind].append(time.perf_counter() - began)
                chunks = summary.chunks
        threads = sorted({w["threads"] for w in distributed.workers})
    finally:
        distributed.close()
        ray.shutdown()
    return {
        "chunks": chunks,
        "local_s": statistics.median(times["local"]),
        "ray_s": statistics.median(times["ray"]),
        "start_s": start_seconds,
        "actor_threads": threads,
    }


def load(base: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """``concurrency`` clients asking back to back for ``seconds``; each request on a new connection."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    pids: dict[int, int] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        n = number
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                response = httpx.post(f"{base}/ask", json={"question": question(n % 100)}, timeout=60)
            except httpx.HTTPError as exc:
                failures.append(str(exc))
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if response.status_code == 200:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{response.status_code}")
            n += concurrency

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for _ in range(40):  # which workers are there (a /health on a new connection each)
        pid = httpx.get(f"{base}/health", timeout=10).json()["worker_pid"]
        pids[pid] = pids.get(pid, 0) + 1
    return {
        "qps": len(latencies) / elapsed,
        "median_ms": statistics.median(latencies),
        "p95_ms": statistics.quantiles(latencies, n=20)[-1],
        "requests": len(latencies),
        "failures": len(failures),
        "workers_seen": len(pids),
    }


def measure_qps(corpus: Path, index: Path, model: str, workers: int, seconds: float, concurrency: int) -> dict:
    with serve(index, corpus, model, workers) as server:
        load(server.base, min(3.0, seconds), concurrency)  # warm-up
        return load(server.base, seconds, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=150, help="generated articles (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind (default: %(default)s)")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs for both kinds of build (default: %(default)s)")
    parser.add_argument("--model", default="m3e-small", help="embedding model (default: %(default)s)")
    parser.add_argument("--qps-seconds", type=float, default=20, help="load per worker count (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--skip-build", action="store_true", help="only measure queries/s")
    parser.add_argument("--skip-qps", action="store_true", help="only measure builds")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        write_corpus(corpus, args.articles)
        print(f"{args.articles} generated articles, model {args.model}, {os.cpu_count()} CPUs on this machine")
        if not args.skip_build:
            b = measure_builds(corpus, work, args.model, args.cpus, args.repeat)
            print(f"\n### Full build, {b['chunks']} chunks, {args.cpus} CPUs each (median of {args.repeat})\n")
            print("| build | seconds | chunks/s | vs local |")
            print("| --- | ---: | ---: | ---: |")
            print(
                f"| local (torch, {args.cpus} threads) | {b['local_s']:.2f} | {b['chunks'] / b['local_s']:.1f} | 1.00 |"
            )
            print(
                f"| Ray ({args.cpus} actors x 1 CPU, torch threads {b['actor_threads']}) | {b['ray_s']:.2f} | "
                f"{b['chunks'] / b['ray_s']:.1f} | {b['local_s'] / b['ray_s']:.2f} |"
            )
            print(f"\nRay start-up (instance, actors, model loaded in each), not in the above: {b['start_s']:.1f} s")
        if not args.skip_qps:
            index = work / "index-qps"
            build_index(corpus, index, load_embedder(args.model), Tokenizer())
            rows = [(n, measure_qps(corpus, index, args.model, n, args.qps_seconds, args.concurrency)) for n in (1, 2)]
            print(f"\n### /ask with {args.concurrency} concurrent clients on loopback, {args.qps_seconds:.0f} s each\n")
            print("| workers | queries/s | vs 1 worker | median ms | p95 ms | requests | failed | workers answering |")
            print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            base_qps = rows[0][1]["qps"]
            for n, r in rows:
                print(
                    f"| {n} | {r['qps']:.1f} | {r['qps'] / base_qps:.2f} | {r['median_ms']:.0f} | {r['p95_ms']:.0f} "
                    f"| {r['requests']} | {r['failures']} | {r['workers_seen']} |"
                )
    print(f"\nload average (1 min) before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
