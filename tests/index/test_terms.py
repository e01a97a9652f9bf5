"""BM25 from stored term counts: the same scores bm25s computes, rows carried over, saved and read back."""

from pathlib import Path

import bm25s
import numpy as np

from qa.index.sparse import SparseIndex
from qa.index.terms import TermCounts, bm25_from_counts
from qa.ingest import parse_file
from qa.testing.samples import SAMPLE_PAGE
from qa.text.segmentation import Tokenizer


def _documents(tokenizer: Tokenizer) -> list[list[str]]:
    articles, _ = parse_file(SAMPLE_PAGE, SAMPLE_PAGE.name)
    return [tokenizer.tokens(p) for a in articles for p in a.paragraphs]


def test_weights_equal_bm25s_own_on_the_sample_page(tokenizer):
    documents = _documents(tokenizer)
    reference = bm25s.BM25()
    reference.index(documents, show_progress=False)
    ours = bm25_from_counts(TermCounts.from_tokens(documents))
    for question in ("荣氏家族向江南大学捐资多少", "龙光塔", "产业工人队伍建设改革"):
        tokens = [t for t in tokenizer.tokens(question) if t in reference.vocab_dict]
        assert tokens
        np.testing.assert_allclose(ours.get_scores(tokens), reference.get_scores(tokens), rtol=1e-5, atol=1e-6)


def test_carried_rows_and_new_ones_equal_counting_everything(tokenizer, tmp_path: Path):
    documents = _documents(tokenizer)
    half = len(documents) // 2
    counts = TermCounts.from_tokens(documents[:half])
    counts.save(tmp_path / "terms.npz")
    loaded = TermCounts.load(tmp_path / "terms.npz")
    assert loaded.vocab == counts.vocab and (loaded.matrix != counts.matrix).nnz == 0
    order = np.arange(half)[::-1]  # rows taken over in another order, then new documents appended
    combined = loaded.take(order).extend(documents[half:])
    expected = [documents[i] for i in order] + documents[half:]
    direct = SparseIndex.build(expected)
    carried = SparseIndex.from_counts(combined)
    for question in ("无锡市人民医院", "荣智健担任什么职务", "没有这个词"):
        tokens = tokenizer.tokens(question)
        rows, scores = carried.search(tokens, 5)
        direct_rows, direct_scores = direct.search(tokens, 5)
        assert rows.tolist() == direct_rows.tolist()
        np.testing.assert_allclose(scores, direct_scores, rtol=1e-5)


def test_an_empty_document_keeps_its_row(tokenizer):
    index = SparseIndex.build([["江南大学"], [], ["龙光塔", "江南大学"]])
    rows, _ = index.search(["龙光塔"], 3)
    assert len(index) == 3 and rows.tolist() == [2]
