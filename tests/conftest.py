"""Shared fixtures: the sample corpus, the real model, indexes built from the sample in tmp_path, and one
real server (python server.py) over such an index for the tests that only read from a server."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.answering.service import QAService
from qa.embedders.factory import load_embedder
from qa.embedders.hashing import HashEmbedder
from qa.embedders.protocol import Embedder
from qa.index.store import IndexData, load_index
from qa.indexing.build import build_index
from qa.testing.samples import SAMPLE_CORPUS, SAMPLE_PAGE
from qa.testing.server import LiveServer, start_server
from qa.testing.stores import STORES, IndexStoreUnderTest
from qa.text.segmentation import Tokenizer


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


# A corpus where follow-ups are ambiguous on their own (tests/chat, tests/e2e): the sample page plus
# articles that also mention 无锡市人民医院, 江南大学 and donations, so a follow-up only finds the right
# article with its context.
DISTRACTORS = [
    {
        "id": "hospital-equipment",
        "title": "市慈善总会捐赠急诊医疗设备",
        "date": "2023-04-03",
        "author": "王晓",
        "body": "本报讯 4月3日,市慈善总会向无锡市人民医院捐赠价值300万元的医疗设备,用于医院新建的急诊中心。"
        "无锡市人民医院院长表示,这批设备将提升急危重症患者的救治能力。\n"
        "据介绍,市慈善总会今年还将向基层医疗机构捐赠一批救护车。",
    },
    {
        "id": "hospital-building",
        "title": "无锡市人民医院新门诊楼启用",
        "date": "2023-03-28",
        "author": "李明",
        "body": "本报讯 3月28日,无锡市人民医院新门诊楼正式启用。新门诊楼总投资6.5亿元,建筑面积8万平方米,"
        "日门诊量可达1.5万人次。\n医院同时开通了线上预约挂号服务,患者可以通过手机选择就诊时段。",
    },
    {
        "id": "university-campus",
        "title": "江南大学新图书馆开馆",
        "date": "2023-03-30",
        "author": "周洁",
        "body": "本报讯 3月30日,江南大学新图书馆开馆。新图书馆由校友捐资2000万元建设,藏书300万册,"
        "可同时容纳4000名读者。\n江南大学校长在开馆仪式上感谢校友对母校的支持。",
    },
]


# An article with characters outside the Basic Multilingual Plane (𠮷 is one code point in Python, two
# UTF-16 units in JavaScript) before the passage a question cites, so offsets must be counted right (tests/web).
ASTRAL_ARTICLE = {
    "id": "astral-shop",
    "title": "日式快餐品牌𠮷野家无锡首店开业",
    "date": "2023-04-08",
    "author": "陈𡈼",
    "body": "本报讯 4月8日,日式快餐品牌𠮷野家的无锡首店在梁溪区开业,𠮷野家在江苏已有十二家门店。\n"
    "据介绍,这家新店面积约300平方米,可同时容纳120位顾客用餐,开业首周所有套餐八折。",
}


def build_followup_index(
    tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer, extra: list[dict]
) -> Path:
    """The sample page, the distractors and ``extra`` articles, indexed with the real model."""
    corpus = tmp_path_factory.mktemp("followup-corpus")
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    lines = "\n".join(json.dumps(article, ensure_ascii=False) for article in [*DISTRACTORS, *extra])
    (corpus / "distractors.jsonl").write_text(lines + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("followup-index")
    build_index(corpus, index_dir, model, tokenizer)
    return index_dir


@pytest.fixture(scope="session")
def followup_index_dir(tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer) -> Path:
    return build_followup_index(tmp_path_factory, model, tokenizer, [])


@pytest.fixture(scope="session")
def followup_service(followup_index_dir: Path, model: Embedder, tokenizer: Tokenizer) -> QAService:
    return QAService(load_index(followup_index_dir, "m3e-small"), model, tokenizer)


@pytest.fixture(scope="session")
def served_index_dir(tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer) -> Path:
    """What ``shared_server`` serves: the follow-up corpus and the article with rare characters."""
    return build_followup_index(tmp_path_factory, model, tokenizer, [ASTRAL_ARTICLE])


@pytest.fixture(scope="session")
def shared_server(served_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server (python server.py, the real model) for every test that only reads from a server:
    tests/e2e and tests/web share it rather than each starting (and loading the model into) their own."""
    server = start_server(served_index_dir, log=tmp_path_factory.mktemp("shared-server") / "server.log")
    yield server
    server.stop()


# The index store under test: the API and chat suites run against both version folders (faiss) and Milvus Lite
# (milvus). Fixtures that build an index or make an app take ``index_store`` and use its ``build`` and
# ``settings``, so every test depending on them runs once per store (qa/testing/stores.py).


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One Milvus Lite file for the session (Milvus Lite opens a file once per process); aliases keep apart."""
    return str(tmp_path_factory.mktemp("milvus") / "store.db")


@pytest.fixture(scope="module", params=STORES)
def index_store(request: pytest.FixtureRequest, milvus_uri: str) -> IndexStoreUnderTest:
    return IndexStoreUnderTest(request.param, milvus_uri if request.param == "milvus" else "")


@pytest.fixture(scope="module")
def sample_store_dir(index_store: IndexStoreUnderTest, sample_index_dir: Path) -> Path:
    """The sample index (real model), also published to the store under test."""
    index_store.publish(sample_index_dir, "m3e-small")
    return sample_index_dir
