"""Real pages of national papers (../shared/eval/news_pages): every expected article, exactly, in page order.

Each file is read under a name without a date, so the dates asserted are the ones the pages print.
Headlines are compared ignoring whitespace (the GBK files print NBSP as a space), as expected.json says.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from qa.ingest import read_file
from qa.testing.samples import ROOT

PAGES = Path(os.environ.get("QA_NEWS_PAGES", ROOT.parent / "shared" / "eval" / "news_pages"))
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8")) if PAGES.is_dir() else {}
FILES = sorted(name for name in EXPECTED if name.endswith((".txt", ".jsonl")))

pytestmark = pytest.mark.skipif(not FILES, reason=f"no news pages at {PAGES} (set QA_NEWS_PAGES)")


def squeeze(text: str | None) -> str:
    return "".join((text or "").split())


def read_undated(name: str, tmp_path: Path):
    """``name`` read as ``page.txt`` (or ``.jsonl``): nothing in the file name dates it."""
    copy = tmp_path / ("page" + Path(name).suffix)
    shutil.copy(PAGES / name, copy)
    return read_file(copy, copy.name)


@pytest.mark.parametrize("name", FILES)
def test_every_expected_article_is_found_exactly_in_page_order(name: str, tmp_path: Path):
    read = read_undated(name, tmp_path)
    expected = EXPECTED[name]["articles"]
    assert read.problems == []
    assert [squeeze(a.title) for a in read.articles] == [squeeze(e["title"]) for e in expected]
    for article, want in zip(read.articles, expected):
        where = f"{name}: {want['title']}"
        assert squeeze(article.kicker) == squeeze(want["kicker"]), where
        assert squeeze(article.subtitle) == squeeze(want["subtitle"]), where
        assert list(article.authors) == want["authors"], where
        assert article.author == ("、".join(want["authors"]) or None), where
        assert article.date == want["date"], where
        assert squeeze(article.dateline) == squeeze(want["dateline"]), where
        assert squeeze(article.paragraphs[0]).startswith(squeeze(want["first"])), where
        assert squeeze(article.paragraphs[-1]).endswith(squeeze(want["last"])), where


@pytest.mark.parametrize("name", FILES)
def test_page_furniture_is_set_aside_and_in_no_article(name: str, tmp_path: Path):
    read = read_undated(name, tmp_path)
    furniture = [squeeze(line) for line in EXPECTED[name]["furniture"]]
    assert {squeeze(text) for _, text in read.furniture} == set(furniture)  # expected.json lists each once
    for article in read.articles:
        text = squeeze("\n".join([article.kicker or "", article.title, article.subtitle or "", article.body]))
        for line in furniture:
            assert line not in text, f"{name}: furniture {line!r} in {article.title!r}"


@pytest.mark.parametrize("name", [name for name in FILES if name.endswith(".txt")])
def test_paper_and_page_come_from_the_folio_or_metadata_line(name: str, tmp_path: Path):
    read = read_undated(name, tmp_path)
    assert {a.paper for a in read.articles} == {EXPECTED[name]["paper"]}
    # The file names end with the page number: rmrb_20260519_15.txt is page 15; 新华每日电讯 prints no page.
    printed = any("版" in line for line in EXPECTED[name]["furniture"])
    assert {a.page for a in read.articles} == {str(int(name.rsplit("_", 1)[1][:2])) if printed else None}
