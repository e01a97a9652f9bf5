"""Browser fixtures: a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium) and
the real servers it talks to. Without the browser the tests that need it are skipped, saying why."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

from qa.testing.samples import ROOT
from qa.testing.server import LiveServer, start_server
from tests.chat.fake_upstream import UpstreamState, running_upstream

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
ARTIFACTS = ROOT / "test-artifacts"
INSTALL_HINT = "install Debian's chromium and chromium-driver (make test does so when run as root with apt-get)"


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


@pytest.fixture(scope="module")
def server(shared_server: LiveServer) -> str:
    """The shared read-only server (tests/conftest.py): the sample page, the distractors, the article with
    rare characters (ASTRAL_ARTICLE)."""
    return shared_server.base


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamState]:
    """A fake OpenAI-compatible model (tests/chat/fake_upstream.py) whose answers can be made to stall."""
    state = UpstreamState()
    with running_upstream(state):
        yield state


@pytest.fixture(scope="module")
def llm_server(served_index_dir: Path, upstream: UpstreamState, tmp_path_factory: pytest.TempPathFactory):
    """A server whose answers are written (and streamed) by the fake upstream."""
    log = tmp_path_factory.mktemp("logs") / "llm-server.log"
    settings = {"llm_base_url": upstream.url, "llm_model": "fake", "llm_timeout": 60}
    with start_server(served_index_dir, log=log, **settings) as live:
        yield live.base


@pytest.fixture
def no_index_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server with no index to serve (it answers 503); the test may stop it. With nothing to search, the
    fake model does as well as the real one and starts without loading it."""
    log = tmp_path / "server.log"
    with start_server(tmp_path / "no-index", log=log, ready="no_index", model="hash-test") as live:
        yield live
