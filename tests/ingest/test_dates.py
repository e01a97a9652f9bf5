"""Publication dates: printed, in a sidecar, in the file name or QA_DEFAULT_DATE; never a guess without a year."""

import json
import os
import shutil
from pathlib import Path

import pytest

from qa.embedders.hashing import HashEmbedder
from qa.index.store import load_index
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.ingest import corpus_files, parse_file
from qa.ingest.dates import date_from_name, find_date, iso_date
from qa.ingest.incremental import read_corpus
from qa.settings import Settings
from qa.testing.samples import SAMPLE_PAGE

FOLIO_PAGE = (
    "《人民日报》（2026年04月28日 第 10 版）\n\n黄河流域生态保护持续加强\n"
    "\u3000\u3000本报讯 今年以来，黄河流域水土保持率稳步提升。\n"
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026年05月19日", "2026-05-19"),
        ("2026-4-28", "2026-04-28"),
        ("2026/04/28", "2026-04-28"),
        ("2026.4.28", "2026-04-28"),
        ("2026-04-28T08:30:00+08:00", "2026-04-28"),
    ],
)
def test_dates_with_a_year_become_iso(text, iso):
    assert iso_date(text) == iso


@pytest.mark.parametrize("text", ["4月6日", "昨天", "2026-02-30", "明年春天", "2026"])
def test_dates_without_a_year_or_that_do_not_exist_are_refused_naming_the_value(text):
    with pytest.raises(ValueError, match=repr(text)):
        iso_date(text)
    assert find_date(text) is None


@pytest.mark.parametrize(
    ("source", "iso"),
    [
        ("rmrb_20260428_10.txt", "2026-04-28"),
        ("papers/2026-04-28/page03.txt", "2026-04-28"),
        ("mrdx_2026_04_30_p2.txt", "2026-04-30"),
        ("000_fc626205f77621de.txt", None),
        ("scan_20261399.txt", None),
    ],
)
def test_a_date_in_the_file_or_folder_name(source, iso):
    assert date_from_name(source) == iso


def _page(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_printed_date_wins_over_the_sidecar_name_and_setting(tmp_path: Path):
    path = _page(tmp_path, "rmrb_20250101_01.txt", FOLIO_PAGE)
    path.with_name(path.name + ".json").write_text('{"date": "2024-01-01"}', encoding="utf-8")
    articles, problems = parse_file(path, path.name, default_date="2023-01-01")
    assert problems == [] and [a.date for a in articles] == ["2026-04-28"]


def test_sidecar_then_file_name_then_setting_date_a_page_that_prints_none(tmp_path: Path):
    named = _page(tmp_path, "wuxi_20230407.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))
    assert {a.date for a in parse_file(named, named.name, default_date="2023-01-01")[0]} == {"2023-04-07"}
    sidecar = named.with_name(named.name + ".json")
    sidecar.write_text(json.dumps({"date": "2023年4月8日", "paper": "无锡日报", "page": "第 01 版"}), encoding="utf-8")
    articles, problems = parse_file(named, named.name)
    assert problems == []
    assert {(a.date, a.paper, a.page) for a in articles} == {("2023-04-08", "无锡日报", "1")}
    plain = _page(tmp_path, "page.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))
    assert {a.date for a in parse_file(plain, plain.name, default_date="2023-01-01")[0]} == {"2023-01-01"}
    assert {a.date for a in parse_file(plain, plain.name)[0]} == {None}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read sidecar"),
        ('["2023-04-08"]', "must be a JSON object"),
        ('{"date": "4月8日"}', "'4月8日'"),
        ('{"day": "2023-04-08"}', "unknown sidecar field(s) day"),
    ],
)
def test_a_bad_sidecar_is_reported_and_the_page_still_read(tmp_path: Path, content, message):
    path = _page(tmp_path, "page.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))
    path.with_name("page.txt.json").write_text(content, encoding="utf-8")
    articles, problems = parse_file(path, "page.txt")
    assert len(articles) == 4 and {a.date for a in articles} == {None}
    assert len(problems) == 1 and str(problems[0]).startswith("page.txt.json: ") and message in str(problems[0])


def test_a_sidecar_is_not_a_corpus_file_but_a_stray_json_file_is_reported(tmp_path: Path):
    _page(tmp_path, "page.txt", FOLIO_PAGE)
    _page(tmp_path, "page.txt.json", '{"paper": "人民日报"}')
    _page(tmp_path, "notes.json", "{}")
    assert [p.name for p in corpus_files(tmp_path)] == ["notes.json", "page.txt"]
    assert read_corpus(tmp_path).problems == [
        "notes.json: unsupported file type '.json'; expected one of .txt, .jsonl, .html, .htm, .xml, .rss, .atom "
        "(a sidecar is named after its file: page.txt.json)"
    ]


def test_a_file_is_read_again_when_its_sidecar_or_the_default_date_changes(tmp_path: Path):
    corpus = tmp_path / "corpus"
    page = _page(corpus, "page.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))
    first = read_corpus(corpus)
    same = read_corpus(corpus, first.records, {a.id: a for a in first.articles})
    assert same.parsed == 0
    dated = read_corpus(corpus, first.records, {a.id: a for a in first.articles}, default_date="2023-04-07")
    assert dated.parsed == 1 and {a.date for a in dated.articles} == {"2023-04-07"}
    sidecar = page.with_name("page.txt.json")
    sidecar.write_text('{"date": "2023-04-08"}', encoding="utf-8")
    by_sidecar = read_corpus(corpus, dated.records, {a.id: a for a in dated.articles}, default_date="2023-04-07")
    assert by_sidecar.parsed == 1 and {a.date for a in by_sidecar.articles} == {"2023-04-08"}


def test_a_record_written_by_an_older_parser_is_read_again(tmp_path: Path):
    corpus = tmp_path / "corpus"
    _page(corpus, "page.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))
    first = read_corpus(corpus)
    for record in first.records.values():
        record.inputs = ""  # as versions built before records knew what else a file was read from
    again = read_corpus(corpus, first.records, {a.id: a for a in first.articles})
    assert again.parsed == 1


def test_qa_default_date_dates_a_build(tmp_path: Path, tokenizer, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLE_PAGE, corpus / "page.txt")
    monkeypatch.setitem(os.environ, "QA_DEFAULT_DATE", "2023-04-08")
    options = BuildOptions.from_settings(Settings(), lock_timeout=0)
    build_index(corpus, tmp_path / "index", HashEmbedder(), tokenizer, options)
    data = load_index(tmp_path / "index", "hash-test")
    assert {a.date for a in data.articles.values()} == {"2023-04-08"}


def test_qa_default_date_must_be_a_date(monkeypatch):
    monkeypatch.setitem(os.environ, "QA_DEFAULT_DATE", "4月8日")
    with pytest.raises(ValueError, match="default_date"):
        Settings()
