"""``python -m bench``: measure build throughput, updates, /ask latency, memory and 1M-chunk search; write
docs/BENCHMARKS.md.

    python -m bench                         # everything, default sizes (about 8 minutes on 2 cores)
    python -m bench latency scale           # some benchmarks only
    python -m bench --quick --out /tmp/b.md # small sizes: a smoke run of the code in about a minute

Each benchmark's section says what it measures and how; see bench/*.py. Sizes and durations are flags.
"""

import argparse
import logging
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench import latency, profile, quantize, scale, throughput, update
from bench.context import Context
from bench.machine import describe, load_average

ROOT = Path(__file__).resolve().parent.parent
ALL = ("throughput", "update", "latency", "profile", "scale", "quantize")
QUICK = {
    "build_chunks": 40,
    "build_repeat": 1,
    "update_base": 3000,
    "update_rounds": 1,
    "latency_sizes": [3000],
    "workers": [1],
    "one_client_requests": 20,
    "many_requests": 40,
    "seconds": 10,
    "clients": 4,
    "profile_questions": 20,
    "scale_size": 30_000,
    "scale_queries": 20,
    "quantize_questions": 30,
}
TITLES = {
    "throughput": "Build throughput: pipeline vs bare model",
    "update": "Incremental update: 10 new articles into a large index",
    "latency": "/ask over HTTP: latency, queries/s, memory, size on disk",
    "profile": "Where an /ask spends its time",
    "scale": "Search side at scale (no embedding)",
    "quantize": "int8 quantisation of the model: speed and answers",
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "benchmarks",
        nargs="*",
        choices=[*ALL, []],
        default=[],
        metavar="BENCHMARK",
        help=f"any of {', '.join(ALL)} (default: all)",
    )
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "BENCHMARKS.md", help="report file")
    p.add_argument("--model", default="m3e-small", help="embedding model (default: %(default)s)")
    p.add_argument("--cache-dir", type=Path, default=ROOT / ".bench-cache", help="sentence vectors kept between runs")
    p.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one, removed afterwards)")
    p.add_argument("--build-chunks", type=int, default=600, help="chunks of the throughput corpus")
    p.add_argument("--build-repeat", type=int, default=3, help="alternating runs of each kind (default: %(default)s)")
    p.add_argument("--update-base", type=int, default=100_000, help="chunks of the index updated")
    p.add_argument("--update-rounds", type=int, default=3, help="updates of 10 articles (default: %(default)s)")
    p.add_argument("--latency-sizes", type=int, nargs="+", default=[10_000, 100_000], help="index sizes in chunks")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="QA_WORKERS values (default: 1 2)")
    p.add_argument("--one-client-requests", type=int, default=300, help="requests of the one-client run")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients of the throughput run (default: 8)")
    p.add_argument("--many-requests", type=int, default=1500, help="requests of the concurrent run")
    p.add_argument("--seconds", type=float, default=15, help="at most this long per load run (default: %(default)s)")
    p.add_argument("--profile-questions", type=int, default=200, help="questions profiled (default: %(default)s)")
    p.add_argument("--scale-size", type=int, default=1_000_000, help="chunks of the search-side run")
    p.add_argument("--scale-queries", type=int, default=200, help="questions of the search-side run")
    p.add_argument("--nprobes", type=int, nargs="+", default=[8, 16, 32], help="IVF lists scanned, for recall")
    p.add_argument("--quantize-questions", type=int, default=500, help="CMRC questions of the int8 comparison")
    p.add_argument("--quick", action="store_true", help="small sizes and short runs (a smoke test of the code)")
    args = p.parse_args(argv)
    unknown = [b for b in args.benchmarks if b not in ALL]
    if unknown:
        p.error(f"unknown benchmark {unknown[0]!r}: choose from {', '.join(ALL)}")
    if args.quick:  # small sizes, except where given explicitly
        for name, value in QUICK.items():
            if getattr(args, name) == p.get_default(name):
                setattr(args, name, value)
    return args


def targets(results: dict) -> list[str]:
    """The issue's targets against what was measured (only for the benchmarks that ran)."""
    rows = []

    def row(what: str, target: str, value: float, unit: str, met: bool) -> None:
        rows.append(f"| {what} | {target} | {value:.1f} {unit} | {'met' if met else '**not met**'} |")

    if "throughput" in results:
        overhead = results["throughput"]["overhead"] * 100
        row("build pipeline overhead over the bare model", "<= 10 %", overhead, "%", overhead <= 10)
    if "update" in results:
        r = results["update"]
        label = f"10 articles into {r['base_chunks']:,} chunks (median; previous version in memory, as the server)"
        row(label, "<= 3 s", r["update_s"], "s", r["update_s"] <= 3)
        label = f"10 articles into {r['base_chunks']:,} chunks (median; read from disk, as a new process)"
        row(label, "<= 3 s", r["cold_update_s"], "s", r["cold_update_s"] <= 3)
    if "latency" in results:
        largest = max(row["chunks"] for row in results["latency"]["rows"])
        at = [r for r in results["latency"]["rows"] if r["chunks"] == largest]
        one = min((r for r in at if r["clients"] == 1), key=lambda r: r["p50"])
        many = max((r for r in at if r["clients"] > 1), key=lambda r: r["qps"], default=None)
        workers = f"{one['workers']} worker{'s' if one['workers'] > 1 else ''}"
        row(f"{largest:,} chunks, one client, p50 ({workers})", "<= 20 ms", one["p50"], "ms", one["p50"] <= 20)
        row(f"{largest:,} chunks, one client, p95 ({workers})", "<= 50 ms", one["p95"], "ms", one["p95"] <= 50)
        if many is not None:
            label = f"{largest:,} chunks, {many['clients']} clients ({many['workers']} workers)"
            row(label, ">= 100 q/s", many["qps"], "q/s", many["qps"] >= 100)
    if "scale" in results:
        r = results["scale"]
        p50 = r["parts"]["search (dense + BM25 + fusion)"]["p50"]
        row(f"{r['chunks']:,} chunks, search side p50", "<= 50 ms", p50, "ms", p50 <= 50)
    if not rows:
        return []
    return ["## Targets", "", "| what | target | measured | |", "| --- | --- | ---: | --- |", *rows, ""]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    chosen = [b for b in ALL if b in (args.benchmarks or ALL)]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for noisy in (
        "httpx",
        "httpcore",
        "faiss.loader",
        "sentence_transformers",
    ):  # a line per request costs the client CPU
        logging.getLogger(noisy).setLevel(logging.WARNING)
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    machine = describe()
    started = time.perf_counter()
    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        ctx = Context(args.work or Path(tmp), args.cache_dir, args.model)
        ctx.work.mkdir(parents=True, exist_ok=True)
        # Update first: its base index is the 100k index the latency and profile runs serve.
        order = [b for b in ("update", "throughput", "latency", "profile", "scale", "quantize") if b in chosen]
        results = {}
        for name in order:
            began, load_before = time.perf_counter(), load_average()
            logging.info("running %s", name)
            if name == "throughput":
                r = throughput.run(ctx, args.build_chunks, args.build_repeat)
                text = throughput.render(r)
            elif name == "update":
                r = update.run(ctx, args.update_base, args.update_rounds)
                text = update.render(r)
            elif name == "latency":
                r = latency.run(
                    ctx,
                    args.latency_sizes,
                    args.workers,
                    args.one_client_requests,
                    args.clients,
                    args.many_requests,
                    args.seconds,
                )
                text = latency.render(r)
            elif name == "profile":
                r = profile.run(ctx, max(args.latency_sizes), args.profile_questions)
                text = profile.render(r)
            elif name == "scale":
                r = scale.run(ctx, args.scale_size, args.scale_queries, args.nprobes)
                text = scale.render(r)
            else:
                r = quantize.run(ctx, args.quantize_questions)
                text = quantize.render(r)
            results[name] = r
            took = time.perf_counter() - began
            sections.append(
                f"## {TITLES[name]}\n\n{text}\n\n_{took:.0f} s; load average before: {load_before}, "
                f"after: {load_average()}._\n"
            )
    total = time.perf_counter() - started
    sections.sort(key=lambda s: [TITLES[b] for b in ALL].index(s.split("\n", 1)[0][3:]))
    report = "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `make bench` (`bench/`); every figure below comes from this command:",
            "",
            f"    {command}",
            "",
            "| machine | |",
            "| --- | --- |",
            *[f"| {k} | {v} |" for k, v in machine.items()],
            f"| run took | {total / 60:.1f} min |",
            "",
            *targets(results),
            *sections,
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
