"""JSON Lines files of a version: unchanged rows copied byte for byte must give the file a fresh write gives."""

import json
from pathlib import Path

import numpy as np
import orjson

from qa.build import build_index, forget_previous
from qa.index.jsonl import RowCopy, read_rows, write_rows
from qa.index.store import CHUNKS, current_version_dir, load_index

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
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()

    def write(name: str, ids: range) -> None:
        lines = "".join(json.dumps(article(i), ensure_ascii=False) + "\n" for i in ids)
        (corpus / name).write_text(lines, encoding="utf-8")

    write("a.jsonl", range(0, 6))
    write("c.jsonl", range(6, 12))
    build_index(corpus, index, hash_embedder, tokenizer)
    first = load_index(index, "hash-test")
    write("b.jsonl", range(12, 15))  # between the others: copied runs on both sides
    counting = CountingDumps()
    monkeypatch.setattr("qa.index.jsonl.orjson", counting)
    build_index(corpus, index, hash_embedder, tokenizer)  # previous version remembered by this process
    assert counting.calls == 3 + len(load_index(index, "hash-test").chunks) - len(first.chunks)  # only new rows
    forget_previous()  # as a new process: the previous version is read from disk
    write("a.jsonl", [*range(0, 2), *range(3, 6)])  # one removed
    counting.calls = 0
    build_index(corpus, index, hash_embedder, tokenizer)
    assert counting.calls == 0
    updated = current_version_dir(index)
    data = load_index(index, "hash-test")
    assert (updated / CHUNKS).read_bytes() == fresh(data.chunks)
    assert (updated / "articles.jsonl").read_bytes() == fresh(list(data.articles.values()))

    build_index(corpus, tmp_path / "full", hash_embedder, tokenizer, full=True)
    rebuilt = current_version_dir(tmp_path / "full")
    assert (rebuilt / CHUNKS).read_bytes() == (updated / CHUNKS).read_bytes()
    assert (rebuilt / "articles.jsonl").read_bytes() == (updated / "articles.jsonl").read_bytes()
