"""Two builds on one index never interleave: the second waits, or stops with a clear message."""

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa.embedders.hashing import HashEmbedder
from qa.errors import BuildInProgress
from qa.index.lock import build_lock
from qa.index.store import load_index, version_names
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.testing.generated import article, write_corpus, write_jsonl


class SlowEmbedder(HashEmbedder):
    """Sleeps in every call and logs (build label, start, end) of each."""

    def __init__(self, label: str, log: list, delay: float = 0.15) -> None:
        super().__init__()
        self.label, self.log, self.delay = label, log, delay

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        started = time.monotonic()
        time.sleep(self.delay)
        self.log.append((self.label, started, time.monotonic()))
        return super().encode(texts)


def test_a_second_build_stops_with_a_clear_message_when_it_cannot_wait(tmp_path: Path, tokenizer):
    write_corpus(tmp_path / "corpus", 5)
    with build_lock(tmp_path / "index"):
        with pytest.raises(BuildInProgress, match=r"another build is running on .*index \(pid \d+, since .*\)"):
            build_index(
                tmp_path / "corpus", tmp_path / "index", HashEmbedder(), tokenizer, BuildOptions(lock_timeout=0.2)
            )
    assert version_names(tmp_path / "index") == []


def test_concurrent_builds_run_one_after_the_other(tmp_path: Path, tokenizer, monkeypatch):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 40)
    monkeypatch.setattr("qa.indexing.vectors.EMBED_BATCH", 16)  # several embedding calls per build
    log: list = []
    results: dict[str, object] = {}

    def run(label: str) -> None:
        embedder = SlowEmbedder(label, log)
        try:
            results[label] = build_index(corpus, index, embedder, tokenizer, BuildOptions(lock_timeout=60), full=True)
        except Exception as exc:  # reported by the assertions below
            results[label] = exc

    first = threading.Thread(target=run, args=("first",))
    first.start()
    time.sleep(0.3)  # the first build is embedding now
    write_jsonl(corpus / "more.jsonl", [article(300)])
    second = threading.Thread(target=run, args=("second",))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)

    a, b = results["first"], results["second"]
    assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
    calls_a = [c for c in log if c[0] == "first"]
    calls_b = [c for c in log if c[0] == "second"]
    assert len(calls_a) > 1 and len(calls_b) > 1
    assert max(end for _, _, end in calls_a) < min(start for _, start, _ in calls_b)
    assert version_names(index) == [a.version, b.version]
    assert a.articles == 40 and b.articles == 41 and len(load_index(index).articles) == 41
