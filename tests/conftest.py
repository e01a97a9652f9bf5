"""Shared fixtures: the sample corpus, the real model, and an index built from the sample in tmp_path."""

import json
import shutil
from pathlib import Path

import pytest

from qa.answering.service import QAService
from qa.embedders.factory import load_embedder
from qa.embedders.hashing import HashEmbedder
from qa.embedders.protocol import Embedder
from qa.index.store import IndexData, load_index
from qa.indexing.build import build_index
from qa.text.segmentation import Tokenizer

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


@pytest.fixture(scope="session")
def followup_index_dir(tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer) -> Path:
    corpus = tmp_path_factory.mktemp("followup-corpus")
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    lines = "\n".join(json.dumps(article, ensure_ascii=False) for article in DISTRACTORS)
    (corpus / "distractors.jsonl").write_text(lines + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("followup-index")
    build_index(corpus, index_dir, model, tokenizer)
    return index_dir


@pytest.fixture(scope="session")
def followup_service(followup_index_dir: Path, model: Embedder, tokenizer: Tokenizer) -> QAService:
    return QAService(load_index(followup_index_dir, "m3e-small"), model, tokenizer)
