"""The Milvus store on Milvus Lite: what a build publishes is what servers search, versions and their rows."""

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from qa.api.reloader import IndexReloader, ServedIndex
from qa.embedders.hashing import HashEmbedder
from qa.errors import IndexIncompatible, IndexStoreError
from qa.index.milvus import layout, reader
from qa.index.milvus.client import connect
from qa.index.milvus.store import MilvusStore
from qa.index.milvus.writer import Publisher
from qa.index.store import current_version_dir, load_index
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.testing.generated import article, question, write_corpus, write_jsonl
from qa.testing.ports import free_port
from qa.testing.stores import alias_for

MODEL = "hash-test"


@pytest.fixture
def setup(tmp_path: Path, milvus_uri: str):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 12)
    store = MilvusStore(connect(milvus_uri), alias_for(index), keep=3)
    return corpus, index, store


def build(setup, tokenizer, **options):
    corpus, index, store = setup
    full = options.pop("full", False)
    return build_index(corpus, index, HashEmbedder(), tokenizer, BuildOptions(publisher=store, **options), full=full)


def rows(store: MilvusStore, generation: str, expression: str = "row >= 0") -> list[dict]:
    collection = layout.chunks_name(store.alias, generation)
    return store.client.query(collection, filter=expression, output_fields=["row", "born", "died"], limit=16384)


def assert_same_ranking(found: tuple[np.ndarray, np.ndarray], expected: tuple[np.ndarray, np.ndarray]) -> None:
    """The same scores, and the same rows for each score (rows of equal score may come in any order; of the
    lowest score, the cut may keep different ones)."""
    assert np.allclose(found[1], expected[1], rtol=1e-4, atol=1e-5)
    groups: dict[float, tuple[set, set]] = {}
    for rows, side in ((found[0], 0), (expected[0], 1)):
        for row, score in zip(rows.tolist(), (found[1] if side == 0 else expected[1]).tolist()):
            groups.setdefault(round(score, 4), (set(), set()))[side].add(row)
    lowest = min(groups)
    assert all(a == b for score, (a, b) in groups.items() if score != lowest)


def test_a_published_version_searches_like_the_folder_it_was_built_in(setup, tokenizer):
    summary = build(setup, tokenizer)
    _, index, store = setup
    assert summary.published == "full" and store.current() == summary.version
    served, folder = store.load(summary.version, MODEL), load_index(index, MODEL)
    assert served.articles == folder.articles and served.chunks == folder.chunks and served.words == folder.words
    embedder = HashEmbedder()
    for number in range(12):
        text = question(number)
        vector = embedder.encode([text])[0]
        assert_same_ranking(served.dense.search(vector, 8), folder.dense.search(vector, 8))
        tokens = tokenizer.tokens(text)
        assert_same_ranking(served.sparse.search(tokens, 8), folder.sparse.search(tokens, 8))
    allowed = np.arange(0, len(folder.chunks), 3)  # a scope: only these rows may come back
    found, _ = served.dense.search(embedder.encode([question(4)])[0], 5, allowed)
    assert set(found.tolist()) <= set(allowed.tolist()) and len(found) == 5
    assert np.allclose(served.dense.vector(7), folder.dense.vector(7), atol=1e-6)


def test_an_update_writes_only_what_changed_and_the_previous_version_stays_whole(setup, tokenizer):
    first = build(setup, tokenizer)
    corpus, index, store = setup
    generation = first.version
    before = rows(store, generation)
    write_jsonl(corpus / "today.jsonl", [article(500)])
    second = build(setup, tokenizer)
    assert second.published == "incremental" and store.current() == second.version
    after = rows(store, generation)
    added = [r for r in after if r["born"] == 1]
    assert len(after) == len(before) + len(added) and 0 < len(added) <= 3  # only the new article's chunks
    served, folder = store.load(second.version, MODEL), load_index(index, MODEL)
    assert served.articles == folder.articles and sorted(c.id for c in served.chunks) == sorted(
        c.id for c in folder.chunks
    )
    assert "gen-00500" in served.articles and "gen-00500" not in store.load(first.version, MODEL).articles


def test_a_removed_article_is_gone_from_the_new_version_only(setup, tokenizer):
    corpus, index, store = setup
    write_jsonl(corpus / "today.jsonl", [article(500), article(501)])
    first = build(setup, tokenizer)
    write_jsonl(corpus / "today.jsonl", [article(500)])
    second = build(setup, tokenizer)
    assert second.published == "incremental"
    assert "gen-00501" not in store.load(second.version, MODEL).articles
    assert "gen-00501" in store.load(first.version, MODEL).articles
    dead = rows(store, first.version, f"died == {1}")
    assert dead and all(r["born"] == 0 for r in dead)


def test_old_versions_and_the_rows_only_they_hold_are_removed(setup, tokenizer):
    corpus, _, store = setup
    store.keep = 2
    summaries = [build(setup, tokenizer)]
    for number in range(3):
        write_jsonl(corpus / "today.jsonl", [article(600 + number)])  # each replaces the one before
        summaries.append(build(setup, tokenizer))
    assert store.versions() == [s.version for s in summaries[-2:]]
    with pytest.raises(IndexStoreError, match="is not in Milvus"):
        store.load(summaries[0].version, MODEL)
    # Rows removed before the oldest kept version are deleted: two versions' worth of today.jsonl remain.
    today = [r for r in rows(store, summaries[0].version) if r["born"] > 0]
    assert {r["born"] for r in today} == {2, 3}


def test_a_full_rebuild_is_a_new_generation_and_the_alias_moves_to_it(setup, tokenizer):
    _, _, store = setup
    store.keep = 2
    first = build(setup, tokenizer)
    second = build(setup, tokenizer, full=True)
    assert second.published == "full"
    assert store.client.describe_alias(store.alias)["collection_name"] == layout.chunks_name(
        store.alias, second.version
    )
    third = build(setup, tokenizer, full=True)
    collections = store.client.list_collections()
    assert layout.chunks_name(store.alias, first.version) not in collections  # no kept version is in it
    assert {layout.chunks_name(store.alias, s.version) for s in (second, third)} <= set(collections)


def test_a_failed_publish_leaves_store_and_folder_on_the_previous_version(setup, tokenizer, monkeypatch):
    corpus, index, store = setup
    first = build(setup, tokenizer)
    write_jsonl(corpus / "today.jsonl", [article(700)])
    real = Publisher._describe

    def fail(*args, **kwargs):
        raise RuntimeError("connection to Milvus lost")

    monkeypatch.setattr(Publisher, "_describe", fail)  # after the rows are written, before the switch
    with pytest.raises(RuntimeError, match="connection to Milvus lost"):
        build(setup, tokenizer)
    assert store.current() == first.version == current_version_dir(index).name
    assert "gen-00700" not in store.load(first.version, MODEL).articles
    monkeypatch.setattr(Publisher, "_describe", real)
    again = build(setup, tokenizer)  # rolls the half-written rows back, then writes them again
    served = store.load(again.version, MODEL)
    assert again.published == "incremental" and "gen-00700" in served.articles
    assert len(served.chunks) == len(load_index(index, MODEL).chunks)


def test_a_store_switched_on_later_gets_the_current_version_without_a_rebuild(setup, tokenizer):
    corpus, index, store = setup
    built = build_index(corpus, index, HashEmbedder(), tokenizer)  # no store yet
    again = build(setup, tokenizer)
    assert again.up_to_date and again.published == "full" and store.current() == built.version


def test_a_version_of_another_model_is_refused_and_the_old_one_keeps_serving(setup, tokenizer):
    corpus, index, store = setup
    first = build(setup, tokenizer)
    with pytest.raises(IndexIncompatible, match="built with model 'hash-test' but QA_MODEL is 'm3e-small'"):
        store.load(first.version, "m3e-small")
    served = ServedIndex()
    reloader = IndexReloader(served, store, HashEmbedder(), tokenizer)
    assert asyncio.run(reloader.reload()) == first.version
    # A damaged new version (its words record lost): the server keeps the old one and says why.
    write_jsonl(corpus / "today.jsonl", [article(800)])
    second = build(setup, tokenizer)
    store.client.delete(store.meta, ids=[f"words/{second.version}#0"])
    assert asyncio.run(reloader.reload()) == first.version
    assert f"cannot load {second.version}" in served.problem and "still serving" in served.problem


def test_an_unreachable_milvus_is_a_clear_error():
    address = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexStoreError, match=rf"cannot connect to Milvus at '{address}' within 1 s .*is it running"):
        connect(address, timeout=1)


def test_a_uri_that_is_neither_a_file_nor_an_address_is_a_clear_error(tmp_path: Path):
    with pytest.raises(IndexStoreError, match="neither a server address .* nor a Milvus Lite file"):
        connect(str(tmp_path / "milvus"))


def test_a_milvus_lite_file_another_process_holds_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "held.db"
    holder = textwrap.dedent(
        f"""
        import sys, time
        from pymilvus import MilvusClient
        MilvusClient({str(path)!r}).list_collections()
        print("open", flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "open"
        with pytest.raises(IndexStoreError, match="another server or build may have it open.*milvus-lite server"):
            connect(str(path))
    finally:
        process.kill()
        process.wait()


def test_a_server_reads_only_what_changed_since_the_version_it_serves(setup, tokenizer, monkeypatch):
    corpus, index, store = setup
    first = build(setup, tokenizer)
    server = MilvusStore(store.client, store.alias)  # another process's view: its own memory of loads
    assert len(server.load(first.version, MODEL).chunks) == len(load_index(index, MODEL).chunks)
    write_jsonl(corpus / "today.jsonl", [article(900), article(901)])
    build(setup, tokenizer)
    write_jsonl(corpus / "today.jsonl", [article(900)])  # 901 removed again
    third = build(setup, tokenizer)
    read: list[str] = []
    real = reader.iterate

    def counted(client, collection, expression, fields, batch=1000):
        for rows in real(client, collection, expression, fields, batch):
            read.extend(str(row.get("row", row.get("fp"))) for row in rows)
            yield rows

    monkeypatch.setattr(reader, "iterate", counted)
    served, folder = server.load(third.version, MODEL), load_index(index, MODEL)
    assert served.articles == folder.articles and sorted(c.id for c in served.chunks) == sorted(
        c.id for c in folder.chunks
    )
    assert 0 < len(read) <= 10  # the new article's rows (and none of the unchanged ones)
    assert "gen-00901" not in served.articles and "gen-00900" in served.articles
