"""Bad corpus files: each gets a clear report naming the file (and line); every other article is indexed,
and nothing already indexed is lost when a file goes bad."""

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

import qa.ingest
from qa.embedders.hashing import HashEmbedder
from qa.index.store import load_index
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.ingest.incremental import read_corpus
from qa.testing.generated import article, write_corpus, write_jsonl
from qa.testing.samples import RONG_TITLE, SAMPLE_PAGE


def line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def build(corpus: Path, index: Path, tokenizer, **options):
    full = bool(options.pop("full", False))
    summary = build_index(corpus, index, HashEmbedder(), tokenizer, BuildOptions(**options), full=full)
    return summary, load_index(index, "hash-test")


def test_each_bad_file_gets_a_report_and_the_rest_is_indexed(tmp_path: Path, tokenizer, monkeypatch):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 20)  # gen-00000.jsonl: 20 good articles
    (corpus / "page-gbk.txt").write_bytes(SAMPLE_PAGE.read_text(encoding="utf-8").encode("gbk"))
    gbk = {"id": "gbk-1", "title": "国标编码", "body": "这是一篇国标编码的文章。"}
    (corpus / "gbk.jsonl").write_bytes(line(gbk).encode("gbk"))
    (corpus / "binary.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "lines.jsonl").write_text(
        line(article(100))
        + '{"id": "broken", "title": "没有结尾\n'
        + line({"id": "no-title", "body": "缺少标题。"})
        + line({"id": "bad\ud800", "title": "t", "body": "b"}).replace("\ud800", "\\ud800")
        + line({"id": "surrogate", "title": "代理项", "body": "x"}).replace("x", "\\udc00")
        + "[" * 3000
        + "\n"
        + line(article(101)),
        encoding="utf-8",
    )
    (corpus / "dupes.jsonl").write_text(line(article(3)) + line(article(102)) + line(article(102)), encoding="utf-8")
    (corpus / "huge.jsonl").write_text(line(article(103)) * 100, encoding="utf-8")
    monkeypatch.setattr(qa.ingest, "MAX_FILE_BYTES", 40 * 1024)  # huge.jsonl is ~100 KiB, the others less

    summary, data = build(corpus, tmp_path / "index", tokenizer)
    problems = "\n".join(summary.skipped)
    print(problems)
    expected = [
        "binary.jsonl: binary file (contains NUL bytes); expected text",
        "empty.txt: file is empty",
        "lines.jsonl:2: invalid JSON: Unterminated string",
        "lines.jsonl:3: missing or empty 'title'",
        "lines.jsonl:4: 'id' must be",
        "lines.jsonl:5: 'body' contains an invalid character (lone surrogate U+DC00)",
        "lines.jsonl:6: invalid JSON: nested too deeply",
        "gen-00000.jsonl: duplicate article id 'gen-00003' (first in dupes.jsonl); kept the first",
        "dupes.jsonl: duplicate article id 'gen-00102' (first in dupes.jsonl); kept the first",
        "huge.jsonl: file is too large (9",
        "KiB, the limit is 40.0 KiB): split it into smaller files",
    ]
    for text in expected:
        assert text in problems
    assert len(summary.skipped) == len(expected) - 1
    # Everything else is there: 20 + 4 articles of the GBK page + 1 GBK record + 2 good lines + 1 new in dupes.
    assert len(data.articles) == 20 + 4 + 1 + 2 + 1
    assert data.articles["gbk-1"].title == "国标编码"
    assert RONG_TITLE in {a.title for a in data.articles.values()}
    assert {"gen-00100", "gen-00101", "gen-00102"} <= set(data.articles)


def test_a_file_that_goes_bad_keeps_its_articles_until_it_is_fixed_or_removed(tmp_path: Path, tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 10)
    news = write_jsonl(corpus / "news.jsonl", [article(n) for n in range(100, 105)])
    summary, data = build(corpus, index, tokenizer)
    assert len(data.articles) == 15 and not summary.skipped

    # The whole file becomes unreadable (binary garbage, as after a bad copy): its articles stay.
    news.write_bytes(b"\x00\x01\x02" * 1000)
    summary, data = build(corpus, index, tokenizer)
    assert len(data.articles) == 15 and summary.removed == 0
    assert summary.skipped == [
        "news.jsonl: binary file (contains NUL bytes); expected text",
        "news.jsonl: kept 5 articles from the previous version because the file cannot be read "
        "(gen-00100, gen-00101, gen-00102, gen-00103, gen-00104); fix the file, or delete it to remove them",
    ]
    # ... through a full rebuild too, and while other files change.
    write_jsonl(corpus / "more.jsonl", [article(200)])
    summary, data = build(corpus, index, tokenizer, full=True)
    assert len(data.articles) == 16 and "gen-00104" in data.articles and len(summary.skipped) == 2
    # Emptied by mistake: still kept.
    news.write_text("")
    summary, data = build(corpus, index, tokenizer)
    assert len(data.articles) == 16 and summary.skipped[0] == "news.jsonl: file is empty"

    # Fixed, but one line is broken now: the article of that line stays too.
    records = [article(n) for n in range(100, 105)]
    text = "".join(line(r) for r in records)
    news.write_text(text.replace('"id": "gen-00102"', '"id": "gen-00102"}{'), encoding="utf-8")
    summary, data = build(corpus, index, tokenizer)
    assert len(data.articles) == 16 and data.articles["gen-00102"].title == records[2]["title"]
    assert summary.skipped[0].startswith("news.jsonl:3: invalid JSON")
    assert summary.skipped[1].startswith("news.jsonl: kept 1 articles from the previous version because the lines")
    summary, data = build(corpus, index, tokenizer)  # unchanged since: same report, same articles
    assert summary.up_to_date and len(summary.skipped) == 2

    # Fixed for good, with one article left out on purpose: now it goes.
    news.write_text("".join(line(r) for r in records[:4]), encoding="utf-8")
    summary, data = build(corpus, index, tokenizer)
    assert summary.skipped == [] and summary.removed == 1 and "gen-00104" not in data.articles
    # Deleting the file removes its articles.
    news.unlink()
    summary, data = build(corpus, index, tokenizer)
    assert summary.removed == 4 and len(data.articles) == 11


def test_an_emptied_corpus_builds_an_empty_index_that_answers_nothing(tmp_path: Path, tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 3)
    build(corpus, index, tokenizer)
    (corpus / ".deleted").write_text("gen-00000\ngen-00001\ngen-00002\n")
    summary, data = build(corpus, index, tokenizer)
    assert (summary.articles, summary.removed, len(data.chunks)) == (0, 3, 0)
    shutil.rmtree(corpus)
    corpus.mkdir()
    summary, data = build(corpus, index, tokenizer, full=True)
    assert summary.articles == 0 and len(data.articles) == 0


def test_a_file_of_tens_of_megabytes_is_read_in_bounded_memory(tmp_path: Path):
    corpus = tmp_path / "corpus"
    big = write_jsonl(corpus / "big.jsonl", [article(n) for n in range(30_000)])
    size = big.stat().st_size
    assert size > 25 * 2**20
    tracemalloc.start()
    try:
        read = read_corpus(corpus)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(read.articles) == 30_000 and read.problems == []
    assert read.articles[-1].id == "gen-29999"
    # The bytes, the decoded text, its lines and the articles: a few times the file, not more.
    assert peak < 6 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_jsonl_in_other_encodings_is_indexed_with_the_right_text(tmp_path: Path, tokenizer, encoding):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [article(n) for n in range(5)]
    (corpus / "news.jsonl").write_bytes("".join(line(r) for r in records).replace("\n", "\r\n").encode(encoding))
    summary, data = build(corpus, tmp_path / "index", tokenizer)
    assert summary.skipped == []
    assert [data.articles[r["id"]].paragraphs[0] for r in records] == [r["paragraphs"][0] for r in records]
