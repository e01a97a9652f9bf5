"""/ask over HTTP against the real server: latency with 1 and 8 clients, queries/s, memory, index size.

Indexes of 10k and 100k real-text chunks are composed (``Context.composed_index``); questions are the
CMRC questions, embedded by the real model in the server, each asked once per server (the question
cache is off: ``QA_QUERY_CACHE=0``, so every request embeds). Load is a closed loop on loopback,
bounded in requests and seconds; the load generator shares the machine's cores with the server.
"""

import random
from pathlib import Path
from typing import Any

import httpx

from bench.context import Context
from bench.serving import Load, load, memory, serve
from qa.index.store import current_version_dir

WARMUP = 20


def disk_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024**2


def run(
    ctx: Context,
    sizes: list[int],
    workers: list[int],
    one_client_requests: int,
    many_clients: int,
    many_requests: int,
    seconds: float,
) -> dict[str, Any]:
    questions = list(ctx.pool.questions)
    random.Random(7).shuffle(questions)
    rows = []
    footprint = []
    for size in sizes:
        corpus, index, summary, _ = ctx.composed_index(size)
        version = current_version_dir(index)
        disk = disk_mib(version)
        for count in workers:
            with serve(index, corpus, ctx.model, count, query_cache=0) as server:
                chunks = httpx.get(f"{server.base}/health", timeout=10).json()["chunks"]
                load(server.base, questions[-WARMUP:], 2, WARMUP, 60)
                offset = 0
                for clients, requests in ((1, one_client_requests), (many_clients, many_requests)):
                    asked = questions[offset:] + questions[:offset]
                    result = load(server.base, asked, clients, requests, seconds)
                    offset = (offset + result.requests) % len(questions)
                    rows.append({"chunks": chunks, "workers": count, **_row(result)})
                used = memory(server)
            footprint.append({"chunks": chunks, "workers": count, "disk_mib": disk, **used})
    return {"rows": rows, "footprint": footprint, "seconds": seconds}


def _row(r: Load) -> dict[str, Any]:
    return {
        "clients": r.clients,
        "requests": r.requests,
        "failures": r.failures,
        "qps": r.qps,
        "p50": r.percentile(50),
        "p95": r.percentile(95),
        "p99": r.percentile(99),
        "errors": r.errors,
    }


def render(r: dict[str, Any]) -> str:
    lines = [
        "| chunks | workers | clients | requests | failed | queries/s | p50 ms | p95 ms | p99 ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in r["rows"]:
        lines.append(
            f"| {row['chunks']:,} | {row['workers']} | {row['clients']} | {row['requests']} | {row['failures']} "
            f"| {row['qps']:.1f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} |"
        )
    errors = sorted({e for row in r["rows"] for e in row["errors"]})
    if errors:
        lines += ["", "Failed requests, first errors: " + "; ".join(f"`{e}`" for e in errors[:3])]
    lines += [
        "",
        "Targets at 100k chunks: one client p50 <= 20 ms and p95 <= 50 ms; 8 clients >= 100 queries/s.",
        "",
        "Memory of the server after the load (all its processes; RSS counts the memory-mapped index in every "
        "worker, PSS shares it out) and the size of the served version on disk:",
        "",
        "| chunks | workers | RSS MiB | PSS MiB | PSS KiB/chunk | index on disk MiB | disk KiB/chunk |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in r["footprint"]:
        lines.append(
            f"| {f['chunks']:,} | {f['workers']} | {f['rss_mib']:.0f} | {f['pss_mib']:.0f} "
            f"| {f['pss_mib'] * 1024 / f['chunks']:.2f} | {f['disk_mib']:.0f} "
            f"| {f['disk_mib'] * 1024 / f['chunks']:.2f} |"
        )
    one = sorted((f["chunks"], f["pss_mib"]) for f in r["footprint"] if f["workers"] == 1)
    if len(one) > 1:
        (small, small_mib), (large, large_mib) = one[0], one[-1]
        per_chunk = (large_mib - small_mib) * 1024 / (large - small)
        lines += [
            "",
            f"One worker, from {small:,} to {large:,} chunks: {per_chunk:.2f} KiB more memory per chunk "
            f"(the rest, {small_mib - per_chunk * small / 1024:.0f} MiB, is the model, libraries and Python).",
        ]
    return "\n".join(lines)
