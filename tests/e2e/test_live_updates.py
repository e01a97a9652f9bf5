"""The real server (uvicorn) keeps answering while articles are added, deleted and the index rebuilt.

Clients query over HTTP the whole time; not one request may fail, and no client may ever see an
older version after a newer one. The fake ``hash-test`` model keeps the server quick to start.
"""

import random
import shutil
import signal
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from qa.index.store import current_version_dir
from qa.testing.generated import DISTINCT, article, question, write_corpus, write_jsonl
from qa.testing.samples import RONG_TITLE, SAMPLE_PAGE
from qa.testing.server import LiveServer, start_server

pytestmark = pytest.mark.e2e

TOKEN = "e2e-live-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("live")
    corpus = root / "corpus"
    write_corpus(corpus, 300)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    settings = {"model": "hash-test", "admin_token": TOKEN, "reload_interval": 0.2, "log_level": "warning"}
    with start_server(root / "index", corpus=corpus, build=True, log=root / "server.log", **settings) as server:
        yield server


class Clients:
    """Threads asking questions and reading /health until stopped; they record every failure."""

    def __init__(self, base: str, count: int = 3) -> None:
        self.base = base
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.requests = 0
        self.versions: list[list[str]] = [[] for _ in range(count)]
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(count)]

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        seen = self.versions[number]
        with httpx.Client(base_url=self.base, timeout=30) as http:
            while not self.stop.is_set():
                try:
                    answer = http.post("/ask", json={"question": question(rng.randrange(300))})
                    health = http.get("/health")
                    self.requests += 2
                    if answer.status_code != 200 or health.status_code != 200:
                        self.failures.append(f"{answer.status_code} {answer.text[:200]} / {health.status_code}")
                        continue
                    if any(not c["text"] for c in answer.json()["citations"]):
                        self.failures.append(f"empty citation: {answer.text[:200]}")
                    version = health.json()["version"]
                    if seen and version < seen[-1]:
                        self.failures.append(f"went back from version {seen[-1]} to {version}")
                    if not seen or version != seen[-1]:
                        seen.append(version)
                except httpx.HTTPError as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")

    def __enter__(self) -> "Clients":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def ask(http: httpx.Client, text: str) -> dict:
    response = http.post("/ask", json={"question": text})
    assert response.status_code == 200
    return response.json()


def wait_for(http: httpx.Client, version: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while http.get("/health").json()["version"] != version:
        assert time.monotonic() < deadline, f"the server never switched to {version}"
        time.sleep(0.1)


def test_clients_get_no_failed_request_during_updates_and_rebuilds(live: LiveServer):
    base, corpus, index = live.base, live.corpus, live.index
    (mars, mars_q, mars_a), (panda, panda_q, panda_a), (boat, boat_q, _) = DISTINCT
    with httpx.Client(base_url=base, timeout=60) as http, Clients(base) as clients:
        time.sleep(0.5)
        # 1. Add one article through the API: answered with a citation as soon as the call returns.
        body = http.post("/articles", headers=AUTH, json=mars).json()
        assert body["serving"] == body["build"]["version"] and body["build"]["added"] == 1
        answer = ask(http, mars_q)
        assert mars_a in answer["answer"] and answer["citations"][0]["article_id"] == mars["id"]

        # 2. Add a list.
        assert http.post("/articles", headers=AUTH, json=[panda, boat]).json()["build"]["added"] == 2
        assert ask(http, panda_q)["citations"][0]["article_id"] == panda["id"]

        # 3. Delete an API article and an article of the newspaper page.
        assert http.delete(f"/articles/{mars['id']}", headers=AUTH).status_code == 200
        assert mars["id"] not in [c["article_id"] for c in ask(http, mars_q)["citations"]]
        rong = next(c for c in ask(http, "荣氏家族向江南大学捐资多少？")["citations"] if c["title"] == RONG_TITLE)
        assert http.delete(f"/articles/{rong['article_id']}", headers=AUTH).status_code == 200

        # 4. A build by the CLI in another process: the server notices the new version by itself.
        write_jsonl(corpus / "cli.jsonl", [article(n) for n in range(1000, 1020)])
        build = live.cli_build()
        assert build.returncode == 0, build.stderr[-3000:]
        wait_for(http, current_version_dir(index).name)
        assert http.get("/articles/gen-01005").status_code == 200

        # 5. A CLI build killed with SIGKILL part-way: the server keeps answering from a complete version.
        write_jsonl(corpus / "killed.jsonl", [article(n) for n in range(1100, 1150)])
        child = live.start_cli_build("--full")
        deadline = time.monotonic() + 30
        while f"pid {child.pid}," not in (index / ".build.lock").read_text():  # it is building now
            assert child.poll() is None and time.monotonic() < deadline, "the CLI build never started"
            time.sleep(0.02)
        time.sleep(random.Random(5).uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert http.get("/health").json()["status"] == "ok"

        # 6. Full rebuild through the API, then an update with nothing to do.
        rebuilt = http.post("/admin/reindex", headers=AUTH, json={"full": True}).json()
        assert rebuilt["serving"] == rebuilt["build"]["version"] and rebuilt["build"]["full"]
        assert rebuilt["build"]["deleted"] == 1 and rebuilt["build"]["articles"] == 300 + 3 + 2 + 20 + 50
        assert http.post("/admin/reindex", headers=AUTH, json={"full": False}).json()["build"]["up_to_date"]
        assert ask(http, panda_q)["citations"][0]["article_id"] == panda["id"]
        assert panda_a in ask(http, panda_q)["answer"]
        assert http.get(f"/articles/{rong['article_id']}").status_code == 404
        time.sleep(0.5)

    assert clients.failures == []
    assert clients.requests > 100
    seen = {version for versions in clients.versions for version in versions}
    assert len(seen) >= 5, f"clients saw only versions {sorted(seen)}"


def test_admin_calls_over_http_need_the_token(live: LiveServer):
    base = live.base
    assert httpx.post(f"{base}/admin/reindex", json={"full": True}, timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert httpx.delete(f"{base}/articles/gen-00001", headers=wrong, timeout=10).status_code == 401
    assert httpx.get(f"{base}/articles/gen-00001", timeout=10).status_code == 200
