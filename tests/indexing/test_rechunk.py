"""A version chunked by an older revision of the chunker is re-chunked by the next update."""

import re
from pathlib import Path

from qa.answering.service import QAService
from qa.index.store import load_index
from qa.indexing.build import build_index
from qa.indexing.chunking import CHUNKING_REVISION
from qa.indexing.options import BuildOptions
from qa.testing.generated import article, write_jsonl
from qa.text import sentences

HEADING = "长江大桥维修工程指挥部成员名单"
# Revision 1's pattern: `$` only at the end of the text, so a paragraph's unmarked last words were dropped.
REVISION_1 = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’」』）)》】〕\"']*|$)")


def write_corpus(corpus: Path) -> None:
    record = article(7)
    record["paragraphs"] = [HEADING, *record["paragraphs"]]
    write_jsonl(corpus / "news.jsonl", [record, article(8)])


def heading_chunks(index: Path) -> list[str]:
    return [chunk.text for chunk in load_index(index, "hash-test").chunks if HEADING in chunk.text]


def test_an_index_chunked_before_the_fix_is_rechunked_on_the_next_update(
    tmp_path: Path, monkeypatch, hash_embedder, tokenizer
):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus)
    # The build as it was: the old pattern, and a manifest without a chunking revision.
    monkeypatch.setattr(sentences, "_sentence_re", lambda ends: REVISION_1)
    monkeypatch.setattr(
        BuildOptions,
        "chunking",
        property(lambda self: {"chunk_size": self.chunk_size, "chunk_overlap": self.chunk_overlap}),
    )
    build_index(corpus, index, hash_embedder, tokenizer)
    assert heading_chunks(index) == []  # the heading was never chunked
    monkeypatch.undo()

    summary = build_index(corpus, index, hash_embedder, tokenizer)  # nothing in the corpus changed

    assert not summary.up_to_date
    assert summary.embedded < summary.chunks  # chunks whose text did not change keep their cached vectors
    data = load_index(index, "hash-test")
    assert data.manifest["chunking_revision"] == CHUNKING_REVISION
    assert heading_chunks(index)
    hits = QAService(data, hash_embedder, tokenizer).ask("长江大桥维修工程指挥部成员名单").hits
    assert HEADING in hits[0].chunk.text

    again = build_index(corpus, index, hash_embedder, tokenizer)
    assert again.up_to_date  # re-chunked once, then reused
