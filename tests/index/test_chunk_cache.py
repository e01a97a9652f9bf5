"""The embedding and token cache beside the versions: trimmed when it outgrows the index."""

import json
from pathlib import Path

from qa.index.chunk_cache import CACHE_FILE, ChunkCache
from qa.indexing.build import build_index


def test_a_build_trims_entries_of_texts_no_longer_indexed(tmp_path: Path, hash_embedder, tokenizer):
    """Once unused entries outnumber the live ones (2x + 1000), the cache keeps only the live texts."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()

    def write(prefix: str, count: int) -> None:
        rows = [
            {"id": f"{prefix}{i}", "title": f"标题{i}", "body": f"{prefix}第{i}条消息的正文。"} for i in range(count)
        ]
        (corpus / "a.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    write("old", 1200)
    build_index(corpus, index, hash_embedder, tokenizer)
    with ChunkCache(index / CACHE_FILE) as cache:
        assert cache.size() == 1200
    write("new", 5)
    build_index(corpus, index, hash_embedder, tokenizer)
    with ChunkCache(index / CACHE_FILE) as cache:
        assert cache.size() == 5
