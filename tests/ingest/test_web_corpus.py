"""A corpus mixing newspaper pages, JSON Lines, web pages and feeds is indexed whole; a web page that goes
bad is reported and neither stops the build nor loses what was indexed."""

import shutil
from pathlib import Path

from qa.embedders.hashing import HashEmbedder
from qa.index.store import load_index
from qa.indexing.build import build_index
from qa.testing.generated import article, write_jsonl
from qa.testing.samples import RONG_TITLE, SAMPLE_PAGE

FILES = Path(__file__).parent / "web_files"
PEOPLE_TITLE = "一季度新能源汽车出口同比增长23%"


def build(corpus: Path, index: Path, tokenizer, full: bool = False):
    summary = build_index(corpus, index, HashEmbedder(), tokenizer, full=full)
    return summary, load_index(index, "hash-test")


def mixed_corpus(corpus: Path) -> None:
    corpus.mkdir()
    shutil.copy(SAMPLE_PAGE, corpus / "page.txt")  # 4 articles
    write_jsonl(corpus / "news.jsonl", [article(n) for n in range(3)])  # 3
    (corpus / "web").mkdir()
    shutil.copy(FILES / "people_article.html", corpus / "web" / "people.html")  # 1
    shutil.copy(FILES / "epaper_gbk.html", corpus / "web" / "epaper.htm")  # 1
    (corpus / "feeds").mkdir()
    shutil.copy(FILES / "news_feed.xml", corpus / "feeds" / "news.rss")  # 19 (one photo item without text)
    shutil.copy(FILES / "tech_atom.xml", corpus / "feeds" / "tech.atom")  # 3
    shutil.copy(FILES / "rmrb_epaper_feed.xml", corpus / "feeds" / "rmrb.xml")  # 3


def test_a_corpus_of_every_format_is_indexed_whole(tmp_path: Path, tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    mixed_corpus(corpus)
    summary, data = build(corpus, index, tokenizer)
    assert summary.skipped == ["feeds/news.rss: item 9 (组图：春日花海游人如织): no article text; skipped"]
    assert len(data.articles) == 4 + 3 + 1 + 1 + 19 + 3 + 3
    by_title = {a.title: a for a in data.articles.values()}
    assert RONG_TITLE in by_title and "gen-00002" in data.articles
    people = by_title[PEOPLE_TITLE]
    assert people.source == "web/people.html" and people.authors == ("王云杉", "罗珊珊") and people.paper == "人民日报"
    assert by_title["老城区42个小区完成雨污分流改造"].authors == ("刘喆", "王镕")
    assert by_title["县域商业体系建设取得新进展"].kicker == "聚焦高质量发展——"
    assert by_title["量子计算原型机实现新突破"].source == "feeds/tech.atom"
    # Read again unchanged: nothing is added or removed (item ids are stable).
    summary, _ = build(corpus, index, tokenizer)
    assert summary.up_to_date
    summary, data = build(corpus, index, tokenizer, full=True)
    assert (summary.added, summary.removed, len(data.articles)) == (0, 0, 34)


def test_an_unreadable_web_page_neither_stops_the_build_nor_loses_its_indexed_article(tmp_path: Path, tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    mixed_corpus(corpus)
    _, before = build(corpus, index, tokenizer)
    people_id = next(a.id for a in before.articles.values() if a.title == PEOPLE_TITLE)

    # The saved page is overwritten by a failed download (a page of only navigation), and a feed arrives.
    (corpus / "web" / "people.html").write_text("<html><body><div>首页 | 国内 | 国际</div></body></html>")
    shutil.copy(FILES / "mrdx_epaper_feed.xml", corpus / "feeds" / "mrdx.xml")
    summary, data = build(corpus, index, tokenizer)
    kept = (
        f"web/people.html: kept 1 articles from the previous version because the file cannot be read ({people_id}); "
        "fix the file, or delete it to remove them"
    )
    assert "web/people.html: no title in this HTML page" in summary.skipped and kept in summary.skipped
    assert summary.added == 2 and summary.removed == 0 and len(data.articles) == len(before.articles) + 2
    assert data.articles[people_id].title == PEOPLE_TITLE

    # A broken feed keeps its items too, and so does a page that is not HTML at all.
    rss = corpus / "feeds" / "news.rss"
    text = rss.read_text(encoding="utf-8")
    rss.write_text(text[: text.index("c_5206.shtml</link>")], encoding="utf-8")
    (corpus / "web" / "epaper.htm").write_bytes(b"\x00\x01" * 100)
    summary, data = build(corpus, index, tokenizer)
    assert summary.removed == 0 and len(data.articles) == len(before.articles) + 2
    assert any(s.startswith("feeds/news.rss: malformed XML at line ") for s in summary.skipped)
    assert "web/epaper.htm: binary file (contains NUL bytes); expected text" in summary.skipped
