"""A build killed with SIGKILL at any point leaves the previous version complete; the next build succeeds."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.embedders.hashing import HashEmbedder
from qa.index.lock import build_lock
from qa.index.store import VERSIONS, current_version_dir, load_index
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.testing.generated import article, write_corpus, write_jsonl
from qa.testing.samples import ROOT

# A build in a child process that stops at a chosen phase and prints a marker, waiting to be killed.
CHILD = """
import sys, time
from pathlib import Path
import qa.indexing.build
import qa.indexing.publish
from qa.embedders.hashing import HashEmbedder
from qa.index.dense import DenseIndex
from qa.text.segmentation import Tokenizer

corpus, index, phase = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def stop(marker):
    print(marker, flush=True)
    time.sleep(120)

class Embedder(HashEmbedder):
    calls = 0
    def encode(self, texts, show_progress=False):
        Embedder.calls += 1
        if phase == "embedding" and Embedder.calls == 3:  # two batches are in the cache by now
            stop("EMBEDDING")
        return super().encode(texts)

if phase == "writing":  # the new version's folder is half written
    save = DenseIndex.save
    def slow_save(self, path):
        save(self, path)
        stop("WRITING")
    DenseIndex.save = slow_save
if phase == "switching":  # the new version is complete but not current yet
    qa.indexing.publish.set_current = lambda root, version: stop("SWITCHING")
import qa.indexing.vectors
qa.indexing.vectors.EMBED_BATCH = 32
qa.indexing.build.build_index(corpus, index, Embedder(), Tokenizer())
print("FINISHED", flush=True)
"""


def run_until(marker: str, args: list[str], timeout: float = 60) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + timeout
    line = child.stdout.readline()
    while line.strip() != marker:
        if not line or time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"child build never reached {marker}: {line!r} {child.stderr.read()[-2000:]}")
        line = child.stdout.readline()
    return child


def assert_previous_still_served(index: Path, version: str, articles: int) -> set[str]:
    """Checks the served version and returns its chunk texts."""
    data = load_index(index, "hash-test")
    assert (data.version, len(data.articles), len(data.dense)) == (version, articles, len(data.chunks))
    with build_lock(index, timeout=0):  # the killed build's lock went with it
        pass
    return {chunk.text for chunk in data.chunks}


@pytest.fixture
def first_version(tmp_path: Path, tokenizer) -> tuple[Path, Path, str]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 300)
    version = build_index(corpus, index, HashEmbedder(), tokenizer).version
    write_corpus(corpus, 100, start=300)
    write_jsonl(corpus / "gen-00000.jsonl", [article(n, version=2) for n in range(50)])
    return corpus, index, version


@pytest.mark.parametrize("phase", ["EMBEDDING", "WRITING", "SWITCHING"])
def test_a_build_killed_mid_way_leaves_the_previous_version(first_version, phase, tokenizer):
    corpus, index, version = first_version
    child = run_until(phase, [str(corpus), str(index), phase.lower()])
    if phase == "WRITING":
        assert list((index / VERSIONS).glob(".tmp-*/dense.faiss")), "the kill should hit a half-written version"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)

    old_texts = assert_previous_still_served(index, version, 300)

    summary = build_index(corpus, index, HashEmbedder(), tokenizer, BuildOptions(lock_timeout=0))
    assert (summary.added, summary.changed, summary.articles) == (100, 50, 400)
    data = load_index(index, "hash-test")
    assert data.version == summary.version and "gen-00399" in data.articles
    assert not list((index / VERSIONS).glob(".tmp-*"))
    # What the killed build embedded and committed (two batches of 32, or everything) is not embedded again.
    new_texts = {chunk.text for chunk in data.chunks} - old_texts
    assert summary.embedded == (len(new_texts) - 64 if phase == "EMBEDDING" else 0)


def test_the_cli_killed_at_random_moments_never_breaks_the_index(first_version, tokenizer):
    corpus, index, version = first_version
    env = {**os.environ, "QA_MODEL": "hash-test"}
    rng = random.Random(4)
    command = [sys.executable, "build_index.py", "--full", "--corpus", str(corpus), "--index", str(index)]
    started = time.monotonic()
    subprocess.run(
        [*command, "--index", str(index.parent / "timing")], cwd=ROOT, env=env, capture_output=True, check=True
    )
    duration = time.monotonic() - started  # of a whole run: the kills below land anywhere in one
    for _ in range(4):
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.95) * duration)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        data = load_index(index, "hash-test")  # whatever the moment, a complete version is current
        assert (data.version, len(data.articles)) in {(version, 300), (current_version_dir(index).name, 400)}
    summary = build_index(corpus, index, HashEmbedder(), tokenizer, BuildOptions(lock_timeout=0))
    assert summary.articles == 400 and len(load_index(index, "hash-test").articles) == 400
