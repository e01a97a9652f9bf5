import json
from pathlib import Path

import pytest

from qa.errors import IndexIncompatible, IndexNotReady, IndexStoreError
from qa.index.store import current_version_dir, load_index
from qa.indexing.build import build_index
from qa.testing.samples import SAMPLE_CORPUS


@pytest.fixture
def built(tmp_path: Path, hash_embedder, tokenizer) -> Path:
    build_index(SAMPLE_CORPUS, tmp_path, hash_embedder, tokenizer)
    return tmp_path


def test_round_trip_keeps_articles_chunks_and_manifest(built: Path):
    data = load_index(built, "hash-test")
    manifest = data.manifest
    assert (manifest["articles"], manifest["chunks"], manifest["dimension"]) == (4, len(data.chunks), 64)
    assert manifest["model"] == "hash-test" and manifest["format_version"] == 1 and manifest["built_at"]
    for chunk in data.chunks:
        assert data.articles[chunk.article_id].body[chunk.start : chunk.end] == chunk.text
    assert len(data.dense) == len(data.sparse) == len(data.chunks)


def test_loading_with_another_model_fails_clearly(built: Path):
    with pytest.raises(IndexIncompatible, match="built with model 'hash-test' but QA_MODEL is 'm3e-small'"):
        load_index(built, "m3e-small")


def test_loading_another_format_version_fails_clearly(built: Path):
    manifest_path = current_version_dir(built) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(IndexIncompatible, match="format 99"):
        load_index(built)


def test_missing_index_says_how_to_build_one(tmp_path: Path):
    with pytest.raises(IndexNotReady, match="build_index.py"):
        load_index(tmp_path)


def test_damaged_files_are_refused(built: Path):
    (current_version_dir(built) / "chunks.jsonl").write_text("{broken")
    with pytest.raises(IndexStoreError, match="damaged"):
        load_index(built)


def test_missing_part_is_refused(built: Path):
    (current_version_dir(built) / "dense.faiss").unlink()
    with pytest.raises(IndexStoreError, match="incomplete: missing dense.faiss"):
        load_index(built)
