"""Copies of one story: grouped at build time on the real news pages, kept right by incremental updates."""

import json
from pathlib import Path

import pytest

from qa.embedders.hashing import HashEmbedder
from qa.eval.dated_corpus import build_corpus
from qa.eval.news_pages import DEFAULT_PAGES, load_pages, to_record
from qa.index.store import load_index
from qa.indexing import copies
from qa.indexing.build import build_index
from qa.models import Article

PAGES = Path(__file__).resolve().parents[2] / DEFAULT_PAGES
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason=f"the news pages are not at {PAGES}")


def group_sets(groups) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def test_the_news_pages_group_exactly_the_copies_expected_json_lists():
    pages = load_pages(PAGES)
    found = copies.find_copies(pages.articles, None, [False] * len(pages.articles))
    assert group_sets(found.groups) == group_sets(pages.copies)
    for first, second in pages.not_copies:  # same topic, same day, another story
        assert second not in found.group(first)


def test_edited_copies_are_grouped_and_editions_and_follow_ups_are_not():
    articles, truth = build_corpus(load_pages(PAGES))
    found = copies.find_copies(articles, None, [False] * len(articles))
    assert group_sets(found.groups) == group_sets(truth)
    assert "copy-rain-trimmed" in found.group("rmrb_20260519_15-2")  # trimmed, another paper, a day later
    assert "copy-seedbank-reordered" in found.group("rmrb_20260519_15-4")
    assert "edition-mekong-165" not in found.group("rmrb_20260624_16-4")  # the next edition of a recurring report
    assert found.group("followup-uzbek-talks") == ()  # the visit announced, then the talks held
    assert found.group("preview-digital-summit") == ()


def test_the_primary_copy_is_the_earliest_then_the_longest():
    articles, _ = build_corpus(load_pages(PAGES))
    found = copies.find_copies(articles, None, [False] * len(articles))
    # The trimmed copy came out a day later; the other two the same day, with the same text.
    assert found.group("copy-rain-trimmed")[-1] == "copy-rain-trimmed"
    assert found.group("copy-gas-trimmed") == ("rmrb_20260519_15-6", "copy-gas-trimmed")


def write(corpus: Path, name: str, articles: list[Article]) -> None:
    lines = [json.dumps(to_record(a), ensure_ascii=False) for a in articles]
    (corpus / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_updates_sign_only_new_articles_and_keep_groups_right(tmp_path, tokenizer, monkeypatch):
    pages = load_pages(PAGES)
    copy = next(a for a in build_corpus(pages)[0] if a.id == "copy-gas-trimmed")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    write(corpus, "pages.jsonl", pages.articles)
    signed: list[str] = []
    real_sign = copies.sign

    def counting_sign(bodies):
        bodies = list(bodies)
        signed.extend(bodies)
        return real_sign(bodies)

    monkeypatch.setattr(copies, "sign", counting_sign)
    embedder = HashEmbedder()

    build_index(corpus, index, embedder, tokenizer)
    assert len(signed) == len(pages.articles)
    assert load_index(index).stories.group("rmrb_20260519_15-6") == ()

    write(corpus, "copy.jsonl", [copy])  # another paper prints it the next day
    signed.clear()
    build_index(corpus, index, embedder, tokenizer)
    assert signed == [copy.body]
    updated = load_index(index).stories
    assert updated.group("rmrb_20260519_15-6") == ("rmrb_20260519_15-6", "copy-gas-trimmed")

    full = tmp_path / "full"
    build_index(corpus, full, embedder, tokenizer, full=True)
    assert load_index(full).stories.groups == updated.groups

    (corpus / "copy.jsonl").unlink()  # the copy deleted
    build_index(corpus, index, embedder, tokenizer)
    assert load_index(index).stories.group("rmrb_20260519_15-6") == ()


def test_a_version_without_copies_still_loads(tmp_path, tokenizer):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    write(corpus, "pages.jsonl", load_pages(PAGES).articles[:5])
    summary = build_index(corpus, index, HashEmbedder(), tokenizer)
    for name in ("copies.json", "copies.npz"):  # as a version written before copies were found
        (summary.version_dir / name).unlink()
    assert load_index(index).stories is None
    build_index(corpus, index, HashEmbedder(), tokenizer)  # the next build writes them again
    assert load_index(index).stories is not None
