"""Time and memory of building an index from one very large JSON Lines file.

    .venv/bin/python -m bench.bench_large_file [--mb 40] [--model hash-test]

Writes a file of generated articles of about ``--mb`` MB, then runs ``build_index.py`` on it in a
child process (a full build, then an update after adding one small file, which must not read the
large file again) and prints wall time and the child's peak memory (max RSS). The default fake
model measures everything but the embedding; with ``--model m3e-small`` expect ~25 chunks/s more.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa.testing.generated import article, write_jsonl
from qa.testing.samples import ROOT


def run_build(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "build_index.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=40)
    parser.add_argument("--model", default="hash-test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        big = corpus / "big.jsonl"
        per_article = len(json.dumps(article(5000), ensure_ascii=False).encode()) + 1  # one line
        count = int(args.mb * 2**20 / per_article)
        write_jsonl(big, [article(n) for n in range(count)])
        env = {**os.environ, "QA_MODEL": args.model, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index)}

        seconds, output = run_build(env, "--full")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = big.stat().st_size / 2**20
        print(f"model {args.model}; one JSON Lines file of {size:.1f} MiB, {count} articles")
        print(output.strip().splitlines()[-1] if output.strip() else "")
        print(f"full build: {seconds:.1f} s, peak memory of the build process {peak:.0f} MiB ({peak / size:.1f}x)")

        write_jsonl(corpus / "today.jsonl", [article(n) for n in range(count, count + 10)])
        seconds, output = run_build(env)
        print(output.strip().splitlines()[0])
        print(f"update adding 10 articles in another file: {seconds:.1f} s")


if __name__ == "__main__":
    main()
