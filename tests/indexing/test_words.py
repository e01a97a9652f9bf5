"""Corpus words: built from the titles, stored with the index, used again for questions."""

import json
from pathlib import Path

from qa.answering.service import QAService
from qa.index.store import WORDS, current_version_dir, load_index
from qa.indexing.build import build_index

ARTICLES = [
    {"id": "liu", "title": "刘六刘七起义", "body": "刘六刘七起义爆发于明朝正德年间。最后刘七中箭落水死。"},
    {"id": "gao", "title": "高英", "body": "高英是北魏宣武帝的皇后。"},
]


def build(tmp_path: Path, hash_embedder, tokenizer) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES)
    (corpus / "a.jsonl").write_text(lines, encoding="utf-8")
    build_index(corpus, tmp_path / "index", hash_embedder, tokenizer)
    return tmp_path / "index"


def test_title_words_are_stored_and_used_for_questions(tmp_path: Path, hash_embedder, tokenizer):
    index = build(tmp_path, hash_embedder, tokenizer)
    data = load_index(index, "hash-test")
    assert data.words == ["刘六刘七起义", "高英"]
    assert data.manifest["words"] == 2
    service = QAService(data, hash_embedder, tokenizer)
    assert "高英" in service.retriever.prepare("高英是谁的皇后？").tokens
    assert tokenizer.user_words == ()  # the shared tokenizer is left as it was


def test_an_index_without_words_still_loads(tmp_path: Path, hash_embedder, tokenizer):
    index = build(tmp_path, hash_embedder, tokenizer)
    (current_version_dir(index) / WORDS).unlink()
    data = load_index(index, "hash-test")
    assert data.words == []
    hits = QAService(data, hash_embedder, tokenizer).ask("刘七是怎么死的？").answer.citations
    assert hits and hits[0].article.id == "liu"


def test_an_update_re_segments_unchanged_chunks_holding_a_new_title_word(tmp_path: Path, hash_embedder, tokenizer):
    """Article ``mention`` is unchanged by the update, but a new title makes 高英 one word: its chunk's BM25
    terms (otherwise carried over from the previous version) must be segmented again."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    mention = {"id": "mention", "title": "北魏后宫", "body": "宣武帝立高英为皇后，事在永平元年。"}
    (corpus / "a.jsonl").write_text(json.dumps(mention, ensure_ascii=False) + "\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", hash_embedder, tokenizer)
    assert "高英" not in tokenizer.tokens(mention["body"])  # jieba alone splits the name
    before = load_index(tmp_path / "index", "hash-test")
    assert before.sparse.document_frequency("高英") == 0

    (corpus / "b.jsonl").write_text(json.dumps(ARTICLES[1], ensure_ascii=False) + "\n", encoding="utf-8")
    summary = build_index(corpus, tmp_path / "index", hash_embedder, tokenizer)
    assert (summary.added, summary.reused) == (1, 1)
    after = load_index(tmp_path / "index", "hash-test")
    assert after.sparse.document_frequency("高英") == 2  # the new article and the re-segmented old one
    service = QAService(after, hash_embedder, tokenizer, mode="bm25")
    found = {hit.chunk.article_id for hit in service.retriever.search(service.retriever.prepare("高英"), 5)}
    assert found == {"mention", "gao"}
