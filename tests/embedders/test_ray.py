"""Builds on a local Ray instance (2 CPUs) against local builds of the same corpus.

A Ray build must produce what a local build produces: the same chunks, the same vectors (up to
float rounding: actors run the model with one thread, in other batches), the same manifest. Killed
actors are restarted and their batches re-run; past the retries the build fails and the previous
version keeps serving.
"""

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from qa.answering.service import QAService
from qa.embedders.hashing import HashEmbedder
from qa.embedders.protocol import Embedder
from qa.errors import EmbeddingFailed
from qa.index.store import current_version_dir, load_index
from qa.indexing.build import build_index
from qa.testing.generated import article, write_corpus, write_jsonl
from qa.testing.samples import RONG_TITLE, SAMPLE_CORPUS, SAMPLE_PAGE
from qa.text.segmentation import Tokenizer

ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[ray]'")

from qa.embedders.ray import RayEmbedder, connect  # noqa: E402

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray instance for the module; the embedders use it and leave it running."""
    connect(num_cpus=2, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


def vectors_of(index_dir: Path, model: str) -> np.ndarray:
    data = load_index(index_dir, model)
    return np.stack([data.dense.vector(row) for row in range(len(data.chunks))])


def chunk_rows(index_dir: Path, model: str) -> list[tuple]:
    return [(c.id, c.article_id, c.start, c.end, c.text) for c in load_index(index_dir, model).chunks]


@pytest.mark.model
def test_ray_build_matches_local_build(tmp_path, sample_index_dir, model: Embedder, tokenizer: Tokenizer):
    # Small tasks, so that both actors get some of the sample page's chunks.
    with RayEmbedder("m3e-small", batch_size=4, actors=2) as embedder:
        summary = build_index(SAMPLE_CORPUS, tmp_path, embedder, tokenizer)
        assert len(embedder.tasks_done) == 2, embedder.tasks_done  # two actor processes did work
        assert embedder.texts_sent == summary.embedded == summary.chunks

    assert chunk_rows(tmp_path, "m3e-small") == chunk_rows(sample_index_dir, "m3e-small")
    ray_vectors, local_vectors = vectors_of(tmp_path, "m3e-small"), vectors_of(sample_index_dir, "m3e-small")
    assert ray_vectors.shape == local_vectors.shape
    np.testing.assert_allclose(ray_vectors, local_vectors, atol=1e-4)
    ray_manifest = load_index(tmp_path, "m3e-small").manifest
    local_manifest = load_index(sample_index_dir, "m3e-small").manifest
    for key in ("model", "dimension", "articles", "chunks", "chunk_size", "chunk_overlap", "format_version"):
        assert ray_manifest[key] == local_manifest[key], key

    # What a user sees: the same answer, citing the same passage.
    answer = QAService(load_index(tmp_path, "m3e-small"), model, tokenizer).ask("荣氏家族向江南大学捐资多少？")
    assert "1.1亿元" in answer.answer.text and answer.answer.citations[0].article.title == RONG_TITLE


def test_ray_update_sends_only_uncached_texts(tmp_path, tokenizer: Tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    build_index(corpus, index, HashEmbedder(), tokenizer)  # local build first: its vectors are in the cache
    write_jsonl(corpus / "new.jsonl", [article(7)])
    with RayEmbedder("hash-test", batch_size=2, actors=2) as embedder:
        summary = build_index(corpus, index, embedder, tokenizer)
        assert summary.added == 1 and 0 < summary.embedded < summary.chunks
        assert embedder.texts_sent == summary.embedded  # the cached chunks never left the machine
    with RayEmbedder("hash-test", actors=2) as idle:
        assert build_index(corpus, index, idle, tokenizer).up_to_date
        assert idle.workers == []  # nothing to embed: Ray actors were not even started

    # Hashing is exact: the Ray update holds exactly the vectors a local full build computes.
    local = tmp_path / "local"
    build_index(corpus, local, HashEmbedder(), tokenizer, full=True)
    assert chunk_rows(index, "hash-test") == chunk_rows(local, "hash-test")
    np.testing.assert_array_equal(vectors_of(index, "hash-test"), vectors_of(local, "hash-test"))


@pytest.mark.model
def test_killed_actors_batches_are_retried(tmp_path, model: Embedder, tokenizer: Tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 24)  # 48 chunks: 6 tasks of 8
    embedder = RayEmbedder("m3e-small", batch_size=8, actors=2)
    embedder.start()
    before = {w["pid"] for w in embedder.workers}
    outcome: dict = {}

    def build() -> None:
        try:
            outcome["summary"] = build_index(corpus, index, embedder, tokenizer)
        except BaseException as exc:  # reported below
            outcome["error"] = exc

    thread = threading.Thread(target=build)
    thread.start()
    deadline = time.monotonic() + 120
    while embedder.completed_tasks < 1 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert thread.is_alive(), f"the build ended before an actor could be killed: {outcome}"
    # Mid-build: one actor crashes (its process is killed), the other is killed through Ray.
    os.kill(embedder.workers[0]["pid"], signal.SIGKILL)
    ray.kill(embedder.actors[1], no_restart=False)
    thread.join(timeout=300)
    try:
        assert not thread.is_alive() and "error" not in outcome, outcome
        after = {ray.get(actor.info.remote())["pid"] for actor in embedder.actors}
        assert not after & before  # both actors were restarted
    finally:
        embedder.close()

    summary = outcome["summary"]
    data = load_index(index, "m3e-small")
    assert summary.embedded == summary.chunks == len(data.chunks)
    expected = model.encode([chunk.text for chunk in data.chunks])
    np.testing.assert_allclose(vectors_of(index, "m3e-small"), expected, atol=1e-4)


def test_failed_ray_build_leaves_previous_version_serving(tmp_path, tokenizer: Tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    first = build_index(corpus, index, HashEmbedder(), tokenizer)
    write_corpus(corpus, 20)
    # No restarts: an actor that dies takes its batch with it, and the build must stop.
    with RayEmbedder("hash-test", batch_size=4, actors=2, max_restarts=0, max_task_retries=0) as embedder:
        embedder.start()
        ray.kill(embedder.actors[0], no_restart=True)
        with pytest.raises(EmbeddingFailed, match="embedding on Ray failed"):
            build_index(corpus, index, embedder, tokenizer)
    assert current_version_dir(index) == first.version_dir
    assert len(load_index(index, "hash-test").articles) == first.articles

    # The next build (here local) carries on and reuses whatever the failed one committed to the cache.
    after = build_index(corpus, index, HashEmbedder(), tokenizer)
    assert after.articles == first.articles + 20


def test_dead_actor_restarts_before_build(tmp_path, tokenizer: Tokenizer):
    """Deterministic variant of the mid-build kill: the actor is dead when its first batch arrives."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 20)
    with RayEmbedder("hash-test", batch_size=4, actors=2) as embedder:
        embedder.start()
        ray.kill(embedder.actors[0], no_restart=False)
        summary = build_index(corpus, index, embedder, tokenizer)
    local = tmp_path / "local"
    build_index(corpus, local, HashEmbedder(), tokenizer)
    assert summary.embedded == summary.chunks
    np.testing.assert_array_equal(vectors_of(index, "hash-test"), vectors_of(local, "hash-test"))


def test_vectors_come_back_in_order():
    texts = [f"第{n}条新闻：{'城市建设' * (n % 7)}项目进展{n * 13}" for n in range(600)]
    expected = HashEmbedder().encode(texts)
    with RayEmbedder("hash-test", batch_size=2, actors=2) as embedder:
        # One call of 300 tasks: far more than the actors hold in flight or the results held ahead.
        np.testing.assert_array_equal(embedder.encode(texts), expected)
        batches = [texts[:5], [], texts[5:6], texts[6:400], texts[400:]]
        got = list(embedder.encode_batches(batches))
        assert [len(v) for v in got] == [5, 0, 1, 394, 200]
        np.testing.assert_array_equal(np.concatenate(got), expected)
        assert embedder.texts_sent == 2 * len(texts)
