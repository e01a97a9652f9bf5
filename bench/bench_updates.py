"""Cost of index updates against corpus size, and question latency while updates run.

    .venv/bin/python -m bench.bench_updates [--sizes 200 800] [--model m3e-small] [--rounds 3]

For each corpus size (generated articles): a full build, then ``--rounds`` updates that each add
10 articles, then an update with nothing to do. Prints medians, the update/full-build ratio, and
how much of an update is embedding (grows with what changed) versus the rest (reading the previous
version and the cache, rebuilding FAISS and BM25, writing the version: grows with the corpus, but
slowly). Then, on the largest corpus, starts the real server and measures /ask latency (median,
p95) in alternating segments: idle, and while articles are added through the admin API.
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.serving import serve
from bench.update import TimedEmbedder
from qa.embedders.factory import load_embedder
from qa.indexing.build import build_index
from qa.testing.generated import article, question, write_corpus, write_jsonl
from qa.text.segmentation import Tokenizer

BATCH = 10


def measure_updates(size: int, model: str, rounds: int, work: Path) -> dict[str, float]:
    embedder, tokenizer = TimedEmbedder(load_embedder(model)), Tokenizer()
    corpus, index = work / f"corpus-{size}", work / f"index-{size}"
    write_corpus(corpus, size)
    started = time.perf_counter()
    full = build_index(corpus, index, embedder, tokenizer, full=True)
    full_seconds = time.perf_counter() - started
    times, embedded, other = [], [], []
    for r in range(rounds):
        first = 100_000 + r * BATCH
        write_jsonl(corpus / f"day-{r}.jsonl", [article(n) for n in range(first, first + BATCH)])
        embedder.seconds = 0.0
        started = time.perf_counter()
        summary = build_index(corpus, index, embedder, tokenizer)
        times.append(time.perf_counter() - started)
        other.append(times[-1] - embedder.seconds)
        embedded.append(summary.embedded)
    started = time.perf_counter()
    build_index(corpus, index, embedder, tokenizer)
    noop = time.perf_counter() - started
    return {
        "articles": size,
        "chunks": full.chunks,
        "full_s": full_seconds,
        "update_s": statistics.median(times),
        "other_s": statistics.median(other),
        "embedded": statistics.median(embedded),
        "noop_s": noop,
    }


def latencies(base: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            response = http.post("/ask", json={"question": question(n % 100)})
            out.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"/ask failed: {response.status_code} {response.text[:200]}")
            n += 1


def measure_latency(size: int, model: str, work: Path, seconds: float) -> dict[str, float]:
    token = "bench-admin-token"
    corpus, index = work / f"corpus-{size}", work / f"index-{size}"
    with serve(index, corpus, model, admin_token=token) as server:
        base = server.base
        results: dict[str, list[float]] = {"idle": [], "updating": []}
        updates = 0
        for segment in range(6):  # alternate, so load from elsewhere on the machine hits both alike
            phase = ("idle", "updating")[segment % 2]
            stop = threading.Event()
            client = threading.Thread(target=latencies, args=(base, stop, results[phase]))
            client.start()
            deadline = time.monotonic() + seconds / 3
            while time.monotonic() < deadline:
                if phase == "updating":
                    records = [article(200_000 + updates * BATCH + i) for i in range(BATCH)]
                    response = httpx.post(
                        f"{base}/articles", json=records, headers={"Authorization": f"Bearer {token}"}, timeout=600
                    )
                    response.raise_for_status()
                    updates += 1
                else:
                    time.sleep(0.2)
            stop.set()
            client.join()
        out: dict[str, float] = {"updates": updates}
        for phase, values in results.items():
            out[f"{phase}_median_ms"] = statistics.median(values)
            out[f"{phase}_p95_ms"] = statistics.quantiles(values, n=20)[-1]
            out[f"{phase}_requests"] = len(values)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 800])
    parser.add_argument("--model", default="m3e-small")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [measure_updates(size, args.model, args.rounds, work) for size in args.sizes]
        print(f"model {args.model}; each update adds {BATCH} articles; medians of {args.rounds} updates")
        print("articles  chunks  full build s  update s  update/full  embedded/update  not embedding s  no-op s")
        for row in rows:
            print(
                f"{row['articles']:8d}  {row['chunks']:6d}  {row['full_s']:12.2f}  {row['update_s']:8.2f}  "
                f"{row['update_s'] / row['full_s']:11.3f}  {row['embedded']:15.0f}  {row['other_s']:15.2f}  "
                f"{row['noop_s']:7.2f}"
            )
        if len(rows) > 1:
            growth = rows[-1]["articles"] / rows[0]["articles"]
            update = rows[-1]["update_s"] / rows[0]["update_s"]
            full = rows[-1]["full_s"] / rows[0]["full_s"]
            print(f"corpus x{growth:.1f} -> update time x{update:.2f} (full build x{full:.2f})")
        if args.latency_seconds > 0:
            lat = measure_latency(args.sizes[-1], args.model, work, args.latency_seconds)
            print(
                f"/ask latency on {args.sizes[-1]} articles: idle median {lat['idle_median_ms']:.0f} ms "
                f"(p95 {lat['idle_p95_ms']:.0f}, n={lat['idle_requests']}); during {lat['updates']} updates "
                f"median {lat['updating_median_ms']:.0f} ms (p95 {lat['updating_p95_ms']:.0f}, "
                f"n={lat['updating_requests']}); failed requests: 0"
            )


if __name__ == "__main__":
    main()
