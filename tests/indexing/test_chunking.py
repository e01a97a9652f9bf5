import pytest

from qa.indexing.chunking import chunk_article
from qa.ingest.page import parse_page
from qa.models import Article
from qa.testing.samples import SAMPLE_PAGE
from qa.text.sentences import ends_sentence


def sample_articles():
    return parse_page(SAMPLE_PAGE.read_text(encoding="utf-8"), "sample.txt")[0]


@pytest.mark.parametrize("size,overlap", [(240, 60), (120, 30), (400, 0), (60, 20)])
def test_offsets_round_trip_and_chunks_end_on_sentences(size, overlap):
    for article in sample_articles():
        chunks = chunk_article(article, size, overlap)
        assert chunks, article.title
        covered = set()
        for chunk in chunks:
            assert article.body[chunk.start : chunk.end] == chunk.text
            assert chunk.article_id == article.id
            assert len(chunk.text) <= size
            covered.update(range(chunk.start, chunk.end))
        # every non-space character of the body is in some chunk
        assert all(i in covered for i, ch in enumerate(article.body) if not ch.isspace())
        for before, after in zip(chunks, chunks[1:]):
            assert after.start > before.start and after.end > before.end  # no chunk inside another
            assert before.end - after.start <= max(overlap, 0) or after.start >= before.start


def test_chunks_break_on_sentence_ends_with_closing_quotes():
    article = sample_articles()[0]
    for chunk in chunk_article(article, 240, 60):
        assert ends_sentence(chunk.text), chunk.text[-10:]
    texts = [c.text for c in chunk_article(article, 240, 60)]
    assert any(t.endswith("重要力量”。") for t in texts)


def test_overlap_repeats_the_last_sentence():
    body = "".join(f"第{i}句话在这里。" for i in range(40))
    article = Article(id="x", title="t", paragraphs=(body,), source="s")
    chunks = chunk_article(article, 50, 20)
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # shares text with the previous chunk
        assert after.text.startswith(body[after.start : before.end])


def test_long_sentence_is_cut_at_commas():
    body = "，".join(["很长的从句"] * 60) + "。"
    article = Article(id="x", title="t", paragraphs=(body,), source="s")
    chunks = chunk_article(article, 100, 20)
    assert all(len(c.text) <= 100 for c in chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)
    assert "".join(c.text for c in chunks if c.start >= 0).count("很长的从句") >= 60


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="overlap"):
        chunk_article(sample_articles()[0], 100, 100)
