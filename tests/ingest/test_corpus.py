import json
from pathlib import Path

import pytest

from qa.errors import IngestError
from qa.ingest.incremental import read_corpus
from qa.testing.samples import SAMPLE_PAGE


def test_bad_files_are_skipped_with_a_reason_and_the_rest_indexed(tmp_path: Path):
    (tmp_path / "page.txt").write_bytes(SAMPLE_PAGE.read_bytes())
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1") + b"\xff\xfe")
    (tmp_path / "notes.md").write_text("# notes")
    (tmp_path / ".hidden.txt").write_text("ignored")
    (tmp_path / "news.jsonl").write_text(
        json.dumps({"id": "n1", "title": "新闻", "body": "内容。"}, ensure_ascii=False) + "\n{bad\n", encoding="utf-8"
    )
    report = read_corpus(tmp_path)
    assert len(report.articles) == 5
    problems = "\n".join(report.problems)
    assert "empty.txt: file is empty" in problems
    assert "binary.txt: binary file" in problems
    assert "latin.txt: cannot detect the text encoding" in problems
    assert "notes.md: unsupported file type '.md'" in problems
    assert "news.jsonl:2: invalid JSON" in problems
    assert "hidden" not in problems


def test_duplicate_ids_keep_the_first(tmp_path: Path):
    row = json.dumps({"id": "same", "title": "一", "body": "内容。"}, ensure_ascii=False)
    (tmp_path / "a.jsonl").write_text(row + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(row.replace("一", "二") + "\n", encoding="utf-8")
    report = read_corpus(tmp_path)
    assert [a.title for a in report.articles] == ["一"]
    assert report.problems == ["b.jsonl: duplicate article id 'same' (first in a.jsonl); kept the first"]


def test_missing_corpus_folder_is_an_error(tmp_path: Path):
    with pytest.raises(IngestError, match="does not exist"):
        read_corpus(tmp_path / "nope")
