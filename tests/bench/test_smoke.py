"""A smoke run of the benchmark code (``python -m bench``) at tiny sizes with the model-free embedder.

Not a measurement (figures come from ``make bench``): it checks that the benchmarks run end to end
(composed index, update, the real server under load, profile, IVF search) and write their report.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from qa.testing.samples import ROOT


@pytest.mark.e2e
def test_the_benchmarks_run_and_write_the_report(tmp_path: Path):
    out = tmp_path / "BENCHMARKS.md"
    command = [
        sys.executable, "-m", "bench", "update", "latency", "profile", "scale", "--quick", "--model", "hash-test",
        "--cache-dir", str(tmp_path / "cache"), "--out", str(out), "--update-base", "800", "--latency-sizes", "800",
        "--one-client-requests", "10", "--many-requests", "20", "--scale-size", "4000", "--profile-questions", "10",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    assert "python -m bench update latency profile scale --quick" in report
    for heading in ("## Incremental update", "## /ask over HTTP", "## Where an /ask spends its time", "## Search side"):
        assert heading in report
    assert "| 1: +10 articles |" in report and "| search (dense + BM25 + fusion) |" in report
    one_client = [line for line in report.splitlines() if line.endswith("|") and " | 1 | 1 | 10 | 0 | " in line]
    assert one_client, report  # workers 1, clients 1: 10 requests, none failed


@pytest.mark.parametrize(
    "script",
    [
        "bench_updates",
        "bench_ray",
        "fuzz_api",
        "load_test",
        "bench_large_file",
        "fuzz_conversations",
        "conversation_costs",
    ],
)
def test_each_benchmark_script_starts(script: str):
    """Each runs as ``python -m bench.SCRIPT`` from the checkout, importing qa and bench from it (no path
    set up by hand), and says how to use it."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{script}", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
