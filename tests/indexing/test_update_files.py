"""What an update takes from the previous version: JSON Lines rows copied byte for byte, the version kept in
memory, vectors only of the same space; and the collector paused while it runs."""

import gc
import json
from pathlib import Path

import numpy as np
import orjson

from qa.embedders.hashing import HashEmbedder
from qa.index.jsonl import RowCopy, read_rows, write_rows
from qa.index.store import CHUNKS, current_version_dir, load_index
from qa.indexing.build import build_index
from qa.indexing.previous import VersionMemory

ROWS = [{"id": f"r{i}", "text": "第" + "长" * i + "行"} for i in range(5)]


def fresh(rows: list[dict]) -> bytes:
    return b"".join(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE) for row in rows)


def test_copied_rows_make_the_same_file_as_a_fresh_write(tmp_path: Path):
    old = tmp_path / "old.jsonl"
    offsets = write_rows(old, ROWS)
    assert old.read_bytes() == fresh(ROWS)
    new_rows = [ROWS[3], ROWS[4], {"id": "new", "text": "新的一行"}, ROWS[0], ROWS[1], ROWS[2]]
    new = tmp_path / "new.jsonl"
    new_offsets = write_rows(new, new_rows, RowCopy(old, offsets, np.array([3, 4, -1, 0, 1, 2])))
    assert new.read_bytes() == fresh(new_rows)
    rows, read_offsets = read_rows(new)
    assert rows == new_rows
    assert np.array_equal(read_offsets, new_offsets)
    data = new.read_bytes()
    assert [json.loads(data[a:b]) for a, b in zip(new_offsets[:-1], new_offsets[1:])] == new_rows


def test_a_source_that_changed_since_is_not_copied(tmp_path: Path):
    old = tmp_path / "old.jsonl"
    offsets = write_rows(old, ROWS)
    old.write_bytes(fresh([{"id": "other", "text": "别的"}] * 5))  # another size: offsets no longer fit
    new = tmp_path / "new.jsonl"
    write_rows(new, ROWS, RowCopy(old, offsets, np.arange(5)))
    assert new.read_bytes() == fresh(ROWS)


def test_rows_of_a_file_with_blank_lines_have_no_offsets(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(fresh(ROWS[:2]) + b"\n" + fresh(ROWS[2:]))
    rows, offsets = read_rows(path)
    assert rows == ROWS and offsets is None


def article(i: int) -> dict:
    return {"id": f"a{i}", "title": f"第{i}篇报道", "body": f"这是第{i}篇文章的正文。" * (3 + i % 4)}


class CountingDumps:
    def __init__(self) -> None:
        self.calls = 0
        self.OPT_APPEND_NEWLINE = orjson.OPT_APPEND_NEWLINE
        self.loads = orjson.loads

    def dumps(self, row, option=None):
        self.calls += 1
        return orjson.dumps(row, option=option)


def test_updates_write_the_files_a_full_rebuild_writes(tmp_path: Path, hash_embedder, tokenizer, monkeypatch):
    memory = VersionMemory()
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()

    def write(name: str, ids: range) -> None:
        lines = "".join(json.dumps(article(i), ensure_ascii=False) + "\n" for i in ids)
        (corpus / name).write_text(lines, encoding="utf-8")

    write("a.jsonl", range(0, 6))
    write("c.jsonl", range(6, 12))
    build_index(corpus, index, hash_embedder, tokenizer, memory=memory)
    first = load_index(index, "hash-test")
    write("b.jsonl", range(12, 15))  # between the others: copied runs on both sides
    counting = CountingDumps()
    monkeypatch.setattr("qa.index.jsonl.orjson", counting)
    build_index(corpus, index, hash_embedder, tokenizer, memory=memory)  # previous version remembered by this process
    assert counting.calls == 3 + len(load_index(index, "hash-test").chunks) - len(first.chunks)  # only new rows
    memory.forget()  # as a new process: the previous version is read from disk
    write("a.jsonl", [*range(0, 2), *range(3, 6)])  # one removed
    counting.calls = 0
    build_index(corpus, index, hash_embedder, tokenizer, memory=memory)
    assert counting.calls == 0
    updated = current_version_dir(index)
    data = load_index(index, "hash-test")
    assert (updated / CHUNKS).read_bytes() == fresh(data.chunks)
    assert (updated / "articles.jsonl").read_bytes() == fresh(list(data.articles.values()))

    build_index(corpus, tmp_path / "full", hash_embedder, tokenizer, full=True)
    rebuilt = current_version_dir(tmp_path / "full")
    assert (rebuilt / CHUNKS).read_bytes() == (updated / CHUNKS).read_bytes()
    assert (rebuilt / "articles.jsonl").read_bytes() == (updated / "articles.jsonl").read_bytes()


def write_articles(corpus: Path, name: str, ids: range) -> None:
    corpus.mkdir(exist_ok=True)
    lines = "".join(json.dumps(article(i), ensure_ascii=False) + "\n" for i in ids)
    (corpus / name).write_text(lines, encoding="utf-8")


def test_the_next_update_in_a_process_takes_the_version_it_wrote_from_memory(
    tmp_path: Path, hash_embedder, tokenizer, monkeypatch
):
    memory = VersionMemory()
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, "a.jsonl", range(0, 4))
    build_index(corpus, index, hash_embedder, tokenizer, memory=memory)

    def unreadable(version_dir: Path):
        raise AssertionError("read from disk")

    monkeypatch.setattr("qa.indexing.previous.read_chunks_and_offsets", unreadable)
    write_articles(corpus, "b.jsonl", range(4, 6))
    summary = build_index(corpus, index, hash_embedder, tokenizer, memory=memory)
    assert (summary.added, summary.reused) == (2, 4)


def test_a_remembered_version_whose_files_changed_since_is_not_trusted(tmp_path: Path, hash_embedder, tokenizer):
    memory = VersionMemory()
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, "a.jsonl", range(0, 4))
    build_index(corpus, index, hash_embedder, tokenizer, memory=memory)
    (current_version_dir(index) / CHUNKS).write_text("damaged\n", encoding="utf-8")
    write_articles(corpus, "b.jsonl", range(4, 6))
    summary = build_index(corpus, index, hash_embedder, tokenizer, memory=memory)
    assert summary.reused == 0  # the damaged version is not reused, from memory or from disk
    data = load_index(index, "hash-test")
    assert len(data.articles) == 6
    assert (current_version_dir(index) / CHUNKS).read_bytes() == fresh(data.chunks)


class GcWatchingEmbedder:
    def __init__(self, inner) -> None:
        self.inner, self.name, self.space, self.dimension = inner, inner.name, inner.space, inner.dimension
        self.gc_enabled: list[bool] = []

    def encode(self, texts: list[str], show_progress: bool = False):
        self.gc_enabled.append(gc.isenabled())
        return self.inner.encode(texts, show_progress)


def test_the_cyclic_collector_is_paused_during_a_build_and_restored_after(tmp_path: Path, hash_embedder, tokenizer):
    corpus = tmp_path / "corpus"
    write_articles(corpus, "a.jsonl", range(0, 3))
    embedder = GcWatchingEmbedder(hash_embedder)
    assert gc.isenabled()
    build_index(corpus, tmp_path / "index", embedder, tokenizer)
    assert embedder.gc_enabled == [False] and gc.isenabled()


def test_vectors_of_another_runtime_or_quantisation_are_not_reused(tmp_path: Path, hash_embedder, tokenizer):
    """Same model name, other vectors (e.g. int8 on ONNX Runtime): nothing is taken from the previous version
    or the cache, and the manifest says which vectors the version holds."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, "a.jsonl", range(0, 4))
    first = build_index(corpus, index, hash_embedder, tokenizer)
    other = HashEmbedder(hash_embedder.dimension)
    other.space = "hash-test (onnx, int8)"
    write_articles(corpus, "b.jsonl", range(4, 5))
    summary = build_index(corpus, index, other, tokenizer)
    assert summary.embedded == summary.chunks > first.chunks
    assert load_index(index, "hash-test").manifest["vector_space"] == "hash-test (onnx, int8)"
    again = build_index(corpus, index, hash_embedder, tokenizer, full=False)
    # Back to the first vectors: those of the first 4 articles are still in the cache under their own space;
    # only the article added meanwhile is embedded again.
    assert again.embedded == 1
