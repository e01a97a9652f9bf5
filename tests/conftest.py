"""Shared fixtures: the sample corpus, the real model, and an index built from the sample in tmp_path."""

from pathlib import Path

import pytest

from qa.build import build_index
from qa.embedding import Embedder, HashEmbedder, load_embedder
from qa.index.store import IndexData, load_index
from qa.service import QAService
from qa.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SAMPLE_PAGE = SAMPLE_CORPUS / "000_fc626205f77621de.txt"
RONG_TITLE = "赓续荣光更好为家乡发展助力添彩"


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="session")
def model() -> Embedder:
    """The real bundled model, loaded once per test session."""
    return load_embedder("m3e-small")


@pytest.fixture
def hash_embedder() -> Embedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def sample_index_dir(tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer) -> Path:
    """The sample page indexed with the real model."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    build_index(SAMPLE_CORPUS, index_dir, model, tokenizer)
    return index_dir


@pytest.fixture(scope="session")
def sample_index(sample_index_dir: Path) -> IndexData:
    return load_index(sample_index_dir, "m3e-small")


@pytest.fixture(scope="session")
def sample_service(sample_index: IndexData, model: Embedder, tokenizer: Tokenizer) -> QAService:
    return QAService(sample_index, model, tokenizer)
