"""Memory-mapped loading: what several server processes share instead of each holding a copy."""

from pathlib import Path

import numpy as np

from qa.answering.service import QAService
from qa.embedders.hashing import HashEmbedder
from qa.index.store import current_version_dir, load_version
from qa.indexing.build import build_index
from qa.testing.samples import SAMPLE_CORPUS
from qa.text.segmentation import Tokenizer


def mapped_files() -> set[str]:
    return {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if len(line.split()) >= 6}


def test_mmap_version_answers_like_loaded_one(tmp_path, tokenizer: Tokenizer):
    embedder = HashEmbedder()
    build_index(SAMPLE_CORPUS, tmp_path, embedder, tokenizer)
    version = current_version_dir(tmp_path)
    loaded, mapped = load_version(version, "hash-test"), load_version(version, "hash-test", mmap=True)

    # The vectors and the BM25 scores are read from the files themselves, not from copies.
    files = mapped_files()
    assert str(version / "dense.faiss") in files
    assert str(version / "bm25" / "data.csc.index.npy") in files

    for row in range(len(loaded.chunks)):
        np.testing.assert_array_equal(mapped.dense.vector(row), loaded.dense.vector(row))
    question = "荣氏家族向江南大学捐资多少？"
    expected = QAService(loaded, embedder, tokenizer).ask(question).answer
    answer = QAService(mapped, embedder, tokenizer).ask(question).answer
    assert answer.text == expected.text and "1.1亿元" in answer.text
    assert [c.chunk_id for c in answer.citations] == [c.chunk_id for c in expected.citations]
