"""Fuzz the live server from its OpenAPI schema with Schemathesis and count what it sent.

    .venv/bin/python -m bench.fuzz_api [--examples 300] [--seed 3]

Starts the real server (uvicorn, the fake ``hash-test`` model, the admin API enabled) on a copy of
the sample corpus plus generated articles, then runs ``st run`` with every check (no server errors,
status codes, content types, headers and bodies as the schema declares, invalid data rejected, valid
data accepted, authentication enforced, unsupported methods refused with ``Allow``, stateful
sequences such as add-then-delete) in all phases, at most ``--examples`` test cases per operation and
phase. Per-operation exceptions are in tests/e2e/schemathesis.toml. Prints Schemathesis's summary and
the requests the server answered, by status code, from its access log. tests/e2e/test_fuzz.py runs
the same with fewer examples.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qa.testing.generated import write_corpus
from qa.testing.samples import ROOT, SAMPLE_PAGE
from qa.testing.server import start_server

TOKEN = "fuzz-admin-token"
CONFIG = ROOT / "tests" / "e2e" / "schemathesis.toml"


@dataclass
class FuzzResult:
    returncode: int
    output: str  # Schemathesis's report
    statuses: Counter  # responses by status code, from the server's access log
    server_log: str

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        codes = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return f"{self.requests} requests answered ({codes}); server errors: {self.server_errors}"


def fuzz(work: Path, examples: int = 30, seed: int = 1, timeout: float = 900) -> FuzzResult:
    corpus = work / "corpus"
    write_corpus(corpus, 20)
    shutil.copy(SAMPLE_PAGE, corpus)
    server = start_server(
        work / "index",
        corpus=corpus,
        build=True,
        log=work / "server.log",
        model="hash-test",
        admin_token=TOKEN,
        reload_interval=0.5,
        log_level="info",  # uvicorn's access log, whose status codes FuzzResult counts
    )
    try:
        command = [
            str(Path(sys.executable).with_name("st")),
            "--no-color",
            "--config-file",
            str(CONFIG),
            "run",
            f"{server.base}/openapi.json",
            "--max-examples",
            str(examples),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--header",
            f"Authorization: Bearer {TOKEN}",
            "--request-timeout",
            "60",
        ]
        run = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=timeout)
    finally:
        server.stop()
    return FuzzResult(run.returncode, run.stdout + run.stderr, server.statuses(), server.log())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=300, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = fuzz(Path(tmp), args.examples, args.seed, timeout=3600)
    print(result.output)
    print(result.summary())
    sys.exit(0 if result.returncode == 0 and result.server_errors == 0 else 1)


if __name__ == "__main__":
    main()
