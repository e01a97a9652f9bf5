"""Browser fixtures: a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium) and
the real servers it talks to. Without the browser the tests that need it are skipped, saying why."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

from qa.embedders.protocol import Embedder
from qa.indexing.build import build_index
from qa.text.segmentation import Tokenizer
from tests.chat.fake_upstream import UpstreamState, running_upstream
from tests.conftest import DISTRACTORS, ROOT, SAMPLE_PAGE
from tests.e2e.serving import start_server, stop

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
ARTIFACTS = ROOT / "test-artifacts"
INSTALL_HINT = "install Debian's chromium and chromium-driver (make test does so when run as root with apt-get)"

# An article with characters outside the Basic Multilingual Plane (𠮷 is one code point in Python, two
# UTF-16 units in JavaScript) before the passage a question cites, so offsets must be counted right.
ASTRAL_ARTICLE = {
    "id": "astral-shop",
    "title": "日式快餐品牌𠮷野家无锡首店开业",
    "date": "2023-04-08",
    "author": "陈𡈼",
    "body": "本报讯 4月8日,日式快餐品牌𠮷野家的无锡首店在梁溪区开业,𠮷野家在江苏已有十二家门店。\n"
    "据介绍,这家新店面积约300平方米,可同时容纳120位顾客用餐,开业首周所有套餐八折。",
}


def browser_problem() -> str | None:
    """Why the browser cannot be used here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (path.is_file() and os.access(path, os.X_OK)):
            return f"{path} is missing: {INSTALL_HINT}"
    return None


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the session, with a fresh profile; pages set their own viewport."""
    problem = browser_problem()
    if problem:
        pytest.skip(f"browser tests skipped: {problem}")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1280,800",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except WebDriverException as exc:
        pytest.skip(f"browser tests skipped: headless Chromium did not start: {(exc.msg or str(exc)).strip()}")
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots of what the tests saw (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def web_index_dir(tmp_path_factory: pytest.TempPathFactory, model: Embedder, tokenizer: Tokenizer) -> Path:
    """The sample page, the follow-up distractors (tests/conftest.py) and the article with rare characters."""
    corpus = tmp_path_factory.mktemp("web-corpus")
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    lines = [json.dumps(article, ensure_ascii=False) for article in [*DISTRACTORS, ASTRAL_ARTICLE]]
    (corpus / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("web-index")
    build_index(corpus, index_dir, model, tokenizer)
    return index_dir


@pytest.fixture(scope="module")
def server(web_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base, process = start_server(web_index_dir, tmp_path_factory.mktemp("logs") / "server.log")
    yield base
    stop(process)


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamState]:
    """A fake OpenAI-compatible model (tests/chat/fake_upstream.py) whose answers can be made to stall."""
    state = UpstreamState()
    with running_upstream(state):
        yield state


@pytest.fixture(scope="module")
def llm_server(web_index_dir: Path, upstream: UpstreamState, tmp_path_factory: pytest.TempPathFactory):
    """A server whose answers are written (and streamed) by the fake upstream."""
    log = tmp_path_factory.mktemp("logs") / "llm-server.log"
    env = {"QA_LLM_BASE_URL": upstream.url, "QA_LLM_MODEL": "fake", "QA_LLM_TIMEOUT": "60"}
    base, process = start_server(web_index_dir, log, **env)
    yield base
    stop(process)


@pytest.fixture
def no_index_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A server with no index to serve (it answers 503); the test may stop it."""
    base, process = start_server(tmp_path / "no-index", tmp_path / "server.log")
    yield base, process
    if process.poll() is None:
        stop(process)
