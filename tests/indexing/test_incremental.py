"""Incremental builds: only what changed is read, chunked and embedded; the result equals a full build."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.embedders.hashing import HashEmbedder
from qa.index.chunk_cache import CACHE_FILE
from qa.index.dense import DenseConfig
from qa.index.store import VERSIONS, current_version_dir, load_index, version_names
from qa.indexing.build import build_index
from qa.indexing.chunking import chunk_article
from qa.indexing.options import BuildOptions
from qa.ingest.jsonl import article_from_record
from qa.testing.generated import article, question, write_corpus, write_jsonl
from qa.testing.samples import SAMPLE_PAGE
from qa.text.segmentation import Tokenizer


class CountingEmbedder(HashEmbedder):
    """The hash embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(texts, show_progress)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60, per_file=20)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    return corpus


def build(corpus: Path, index: Path, embedder, tokenizer: Tokenizer, **options):
    embedder.texts.clear()
    full = bool(options.pop("full", False))
    return build_index(corpus, index, embedder, tokenizer, BuildOptions(**options), full=full)


def chunk_texts(record: dict) -> list[str]:
    return [c.text for c in chunk_article(article_from_record(record, "x"))]


def test_adding_one_article_embeds_only_its_chunks(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    first = build(corpus, index, embedder, tokenizer)
    assert (first.added, first.reused, first.articles) == (64, 0, 64)
    assert first.embedded == first.chunks == len(set(embedder.texts))

    new = article(500)
    write_jsonl(corpus / "today.jsonl", [new])
    second = build(corpus, index, embedder, tokenizer)

    assert sorted(embedder.texts) == sorted(chunk_texts(new))
    assert (second.added, second.changed, second.removed, second.reused) == (1, 0, 0, 64)
    assert second.embedded == len(chunk_texts(new)) and second.parsed_files == 1
    assert "1 added, 0 changed, 0 removed, 64 reused articles" in second.render()
    data = load_index(index, "hash-test")
    assert data.articles["gen-00500"].title == new["title"]
    assert second.chunks == len(data.chunks) == first.chunks + len(chunk_texts(new))


def test_nothing_changed_reads_and_embeds_nothing(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    first = build(corpus, index, embedder, tokenizer)
    again = build(corpus, index, embedder, tokenizer)
    assert again.up_to_date and again.version == first.version
    assert (again.embedded, again.parsed_files, again.reused) == (0, 0, 64)
    assert embedder.texts == [] and version_names(index) == [first.version]
    assert "index is up to date" in again.render()


def test_editing_one_article_reembeds_only_its_new_text(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    records = [article(n) for n in range(20, 40)]
    edited = article(25, version=2)  # another amount and project code in the first two paragraphs
    records[5] = edited
    write_jsonl(corpus / "gen-00020.jsonl", records)

    summary = build(corpus, index, embedder, tokenizer)

    assert (summary.added, summary.changed, summary.removed, summary.reused) == (0, 1, 0, 63)
    assert summary.parsed_files == 1
    old_texts = set(chunk_texts(article(25)))
    assert embedder.texts and set(embedder.texts) == set(chunk_texts(edited)) - old_texts
    data = load_index(index, "hash-test")
    body = data.articles["gen-00025"].body
    assert str(100 + 25 * 7 + 2) in body
    for chunk in data.chunks:
        assert data.articles[chunk.article_id].body[chunk.start : chunk.end] == chunk.text


def test_removed_file_drops_its_articles_without_embedding(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    (corpus / "gen-00040.jsonl").unlink()
    summary = build(corpus, index, embedder, tokenizer)
    assert (summary.removed, summary.reused, summary.embedded, summary.parsed_files) == (20, 44, 0, 0)
    data = load_index(index, "hash-test")
    assert "gen-00045" not in data.articles and len(data.dense) == len(data.chunks)


def test_updates_give_the_same_index_as_a_full_build(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    write_jsonl(corpus / "gen-00000.jsonl", [article(n, version=3) for n in range(0, 10)])  # edit 10, drop 10
    write_jsonl(corpus / "later.jsonl", [article(n) for n in range(900, 905)])
    (corpus / ".deleted").write_text("gen-00030\n")
    build(corpus, index, embedder, tokenizer)

    fresh = tmp_path / "fresh"
    full = build(corpus, fresh, embedder, tokenizer, full=True)
    assert full.embedded == full.chunks
    updated, rebuilt = load_index(index, "hash-test"), load_index(fresh, "hash-test")
    assert updated.articles == rebuilt.articles
    assert [c.to_dict() for c in updated.chunks] == [c.to_dict() for c in rebuilt.chunks]
    rows = range(len(updated.chunks))
    assert np.allclose([updated.dense.vector(r) for r in rows], [rebuilt.dense.vector(r) for r in rows])
    assert "gen-00030" not in updated.articles and "gen-00015" not in updated.articles


def test_full_rebuild_reembeds_everything_and_reports_changes(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    write_jsonl(corpus / "new.jsonl", [article(700)])
    summary = build(corpus, index, embedder, tokenizer, full=True)
    assert summary.full and summary.embedded == summary.chunks == len(set(embedder.texts))
    assert (summary.added, summary.reused, summary.parsed_files) == (1, 64, 5)
    assert "full rebuild: 1 added" in summary.render()


def test_deleted_list_keeps_articles_out_across_full_rebuilds(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    (corpus / ".deleted").write_text("# removed on request\ngen-00003\n\nnot/an id\n")
    for full in (False, True):
        summary = build(corpus, index, embedder, tokenizer, full=full)
        assert summary.deleted == 1 and summary.articles == 63
        assert "gen-00003" not in load_index(index).articles


def test_api_articles_take_precedence_over_same_id_elsewhere(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    replacement = {**article(7), "title": "通过接口更新的标题"}
    write_jsonl(corpus / "api" / "gen-00007.jsonl", [replacement])
    summary = build(corpus, index, embedder, tokenizer)
    assert load_index(index).articles["gen-00007"].title == "通过接口更新的标题"
    assert any(
        "gen-00000.jsonl: duplicate article id 'gen-00007' (first in api/gen-00007.jsonl)" in p for p in summary.skipped
    )


def test_a_shadowed_duplicate_comes_back_when_the_first_copy_goes(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    write_jsonl(corpus / "zz-later.jsonl", [{**article(3), "title": "后来的同号文章"}])
    first = build(corpus, index, embedder, tokenizer)
    assert any("zz-later.jsonl: duplicate article id 'gen-00003'" in p for p in first.skipped)
    assert load_index(index).articles["gen-00003"].title == article(3)["title"]

    write_jsonl(corpus / "gen-00000.jsonl", [article(n) for n in range(0, 20) if n != 3])
    summary = build(corpus, index, embedder, tokenizer)
    assert load_index(index).articles["gen-00003"].title == "后来的同号文章"
    assert summary.changed == 1 and summary.parsed_files == 2


def test_only_the_newest_versions_are_kept(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    built = []
    for n in range(4):
        write_jsonl(corpus / f"day-{n}.jsonl", [article(800 + n)])
        built.append(build(corpus, index, embedder, tokenizer, keep_versions=2))
    assert version_names(index) == [built[2].version, built[3].version]
    assert current_version_dir(index).name == built[3].version
    assert built[3].removed_versions == [built[1].version]


def test_leftovers_of_killed_builds_are_cleaned(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    staging = index / VERSIONS / ".tmp-20240101T000000000000Z-999"
    staging.mkdir()
    (staging / "articles.jsonl").write_text("half written")
    (index / ".CURRENT.999").write_text("x")
    write_jsonl(corpus / "new.jsonl", [article(600)])
    build(corpus, index, embedder, tokenizer)
    assert not staging.exists() and not (index / ".CURRENT.999").exists()


def test_a_lost_cache_takes_vectors_from_the_previous_version(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    (index / CACHE_FILE).unlink()
    write_jsonl(corpus / "new.jsonl", [article(601)])
    summary = build(corpus, index, embedder, tokenizer)
    assert sorted(embedder.texts) == sorted(chunk_texts(article(601))) and summary.added == 1


def test_a_damaged_cache_is_replaced_not_fatal(corpus, tmp_path, embedder, tokenizer):
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer)
    (index / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    write_jsonl(corpus / "new.jsonl", [article(602)])
    summary = build(corpus, index, embedder, tokenizer)
    assert summary.added == 1 and "gen-00602" in load_index(index).articles
    assert (index / (CACHE_FILE + ".damaged")).exists()


def _bm25(data, tokens: list[str]) -> np.ndarray:
    return data.sparse._bm25.get_scores([t for t in tokens if t in data.sparse._bm25.vocab_dict])


@pytest.mark.parametrize("flat_max", [100_000, 50], ids=["flat", "ivf"])
def test_an_update_takes_unchanged_rows_over_and_equals_a_full_build(corpus, tmp_path, embedder, tokenizer, flat_max):
    """Vectors and term counts of unchanged chunks come from the previous version, not the cache: an update
    embeds and tokenises only new text, yet its BM25 scores and vectors equal a full build's."""
    config = DenseConfig(flat_max=flat_max, nprobe=4)
    index = tmp_path / "index"
    build(corpus, index, embedder, tokenizer, dense=config)
    (index / CACHE_FILE).unlink()  # nothing cached: whatever is not new must come from the previous version
    write_jsonl(corpus / "gen-00000.jsonl", [article(n, version=2) for n in range(0, 20)])  # 20 edited
    write_jsonl(corpus / "later.jsonl", [article(n) for n in range(900, 903)])
    summary = build(corpus, index, embedder, tokenizer, dense=config)
    before = {t for n in range(20) for t in chunk_texts(article(n))}
    edited = {t for n in range(20) for t in chunk_texts(article(n, version=2))} - before
    added = {t for n in range(900, 903) for t in chunk_texts(article(n))}
    assert edited and set(embedder.texts) == edited | added and summary.embedded == len(edited | added)

    fresh = tmp_path / "fresh"
    build(corpus, fresh, embedder, tokenizer, full=True, dense=config)
    updated, rebuilt = load_index(index, "hash-test"), load_index(fresh, "hash-test")
    assert updated.dense.kind == rebuilt.dense.kind == ("flat" if flat_max > 1000 else "ivf16")
    rows = range(len(updated.chunks))
    assert np.allclose([updated.dense.vector(r) for r in rows], [rebuilt.dense.vector(r) for r in rows])
    for n in (0, 5, 40, 901):
        tokens = tokenizer.tokens(question(n))
        assert np.allclose(_bm25(updated, tokens), _bm25(rebuilt, tokens), atol=1e-5)
        assert updated.chunks[updated.sparse.search(tokens, 1)[0][0]].article_id == f"gen-{n:05d}"
    for row in (0, len(updated.chunks) // 2, len(updated.chunks) - 1):  # each chunk's vector finds that chunk
        found, scores = updated.dense.search(updated.dense.vector(row), 1)
        assert updated.chunks[found[0]].text == updated.chunks[row].text and scores[0] > 0.999
