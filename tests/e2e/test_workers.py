"""The real server with two worker processes (QA_WORKERS=2) sharing one index version from disk.

Each HTTP/1.1 connection is served by one process, so a client that reads ``worker_pid`` from
/health and asks on the same keep-alive connection knows which worker answered. Both workers must
answer, give the same answers, and each switch by itself to a version built by the CLI or through
the admin API of the other worker. The fake ``hash-test`` model keeps the workers quick to start.
"""

import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from qa.answering.service import QAService
from qa.embedders.hashing import HashEmbedder
from qa.index.store import current_version_dir, load_index
from qa.text.segmentation import Tokenizer
from tests.conftest import ROOT, SAMPLE_PAGE
from tests.e2e.test_live_updates import free_port
from tests.generated import DISTINCT, article, question, write_corpus, write_jsonl

pytestmark = pytest.mark.e2e

TOKEN = "e2e-workers-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLES = 200


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("workers")
    corpus, index = root / "corpus", root / "index"
    write_corpus(corpus, ARTICLES)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    port = free_port()
    env = {
        **os.environ,
        "QA_MODEL": "hash-test",
        "QA_CORPUS_DIR": str(corpus),
        "QA_INDEX_DIR": str(index),
        "QA_PORT": str(port),
        "QA_HOST": "127.0.0.1",
        "QA_WORKERS": "2",
        "QA_ADMIN_TOKEN": TOKEN,
        "QA_RELOAD_INTERVAL": "0.2",
        "QA_LOG_LEVEL": "warning",
    }
    subprocess.run([sys.executable, "build_index.py"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (root / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    pids: set[int] = set()
    while len(pids) < 2:  # both workers have started and loaded the index
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the two workers did not start: {(root / 'server.log').read_text()[-3000:]}")
        try:
            health = httpx.get(f"{base}/health", timeout=2).json()  # a new connection each time
            if health["status"] == "ok":
                pids.add(health["worker_pid"])
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base, corpus, index, env, pids
    process.terminate()
    process.wait(timeout=20)
    log.close()


def session(base: str, asks: list[str]) -> tuple[int, str, list[dict]]:
    """On one new connection: the worker's pid and version, then the answers to ``asks`` from that worker."""
    with httpx.Client(base_url=base, timeout=30) as http:
        health = http.get("/health").json()
        answers = []
        for text in asks:
            response = http.post("/ask", json={"question": text})
            assert response.status_code == 200, response.text
            answers.append(response.json())
        assert http.get("/health").json()["worker_pid"] == health["worker_pid"]  # still the same connection
    return health["worker_pid"], health["version"], answers


def on_each_worker(base: str, pids: set[int], asks: list[str], tries: int = 200) -> dict[int, tuple[str, list[dict]]]:
    """``session`` until every worker in ``pids`` has run one (the kernel spreads new connections)."""
    found: dict[int, tuple[str, list[dict]]] = {}
    for _ in range(tries):
        pid, version, answers = session(base, asks)
        found.setdefault(pid, (version, answers))
        if found.keys() >= pids:
            return found
    pytest.fail(f"reached only workers {sorted(found)} of {sorted(pids)} in {tries} connections")


def test_both_workers_answer_the_same(workers):
    base, _, index, _, pids = workers
    assert len(pids) == 2
    asked = range(0, ARTICLES, 7)
    questions = [question(n) for n in asked]
    by_question: dict[str, dict[int, dict]] = defaultdict(dict)
    served: dict[int, int] = defaultdict(int)
    with ThreadPoolExecutor(4) as pool:  # concurrent connections: the load goes to both workers
        sessions = list(pool.map(lambda n: session(base, questions[n::4]), range(4 * 6)))
    for pid, version, answers in sessions:
        assert version == current_version_dir(index).name
        served[pid] += len(answers)
        for answer in answers:
            by_question[answer["question"]][pid] = answer
    assert served.keys() == pids, f"answers came from {dict(served)}"
    # Both serve the version from the same files, mapped into memory rather than copied.
    version = current_version_dir(index)
    for pid in pids:
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert str(version / "dense.faiss") in maps and str(version / "bm25" / "data.csc.index.npy") in maps

    # Every worker answers exactly as the library does over the version on disk.
    service = QAService(load_index(index, "hash-test"), HashEmbedder(), Tokenizer())
    for text, answers in by_question.items():
        expected = service.ask(text).answer
        for answer in answers.values():
            assert answer["answer"] == expected.text
            assert [(c["chunk_id"], c["start"], c["end"]) for c in answer["citations"]] == [
                (c.chunk_id, c.start, c.end) for c in expected.citations
            ]
    # And the answers are the articles' facts (the fake model ranks most, not all, first; with the
    # composer of issue 3 about four in five, measured 40 of 51).
    right = [
        f"{100 + n * 7 + 1}亿元" in by_question[question(n)][pid]["answer"]
        for n in asked
        for pid in pids
        if pid in by_question[question(n)]
    ]
    assert sum(right) >= 0.7 * len(right)


def test_every_worker_switches_to_a_version_built_by_the_cli(workers):
    base, corpus, index, env, pids = workers
    (mars, mars_q, mars_a), _, _ = DISTINCT
    old = current_version_dir(index).name
    write_jsonl(corpus / "cli.jsonl", [mars, article(5000)])
    subprocess.run([sys.executable, "build_index.py"], cwd=ROOT, env=env, check=True, capture_output=True)
    new = current_version_dir(index).name
    assert new != old

    deadline = time.monotonic() + 30
    switched: set[int] = set()
    while switched != pids:  # each worker notices the new CURRENT on its own
        assert time.monotonic() < deadline, f"workers {sorted(pids - switched)} still serve {old}"
        for pid, (version, _) in on_each_worker(base, pids, []).items():
            if version == new:
                switched.add(pid)
        time.sleep(0.1)
    for version, (answer,) in on_each_worker(base, pids, [mars_q]).values():
        assert version == new
        assert mars_a in answer["answer"] and answer["citations"][0]["article_id"] == mars["id"]


def test_an_article_added_through_one_worker_is_served_by_all(workers):
    base, _, index, _, pids = workers
    _, (panda, panda_q, panda_a), _ = DISTINCT
    with httpx.Client(base_url=base, timeout=120) as http:
        added_by = http.get("/health").json()["worker_pid"]
        body = http.post("/articles", headers=AUTH, json=panda).json()
        assert body["serving"] == body["build"]["version"] == current_version_dir(index).name
        assert http.get("/health").json()["worker_pid"] == added_by
    deadline = time.monotonic() + 30
    while True:
        found = on_each_worker(base, pids, [panda_q])
        if all(version == body["serving"] for version, _ in found.values()):
            break
        assert time.monotonic() < deadline, f"not every worker serves {body['serving']}: {found}"
        time.sleep(0.2)
    for _, (answer,) in found.values():
        assert panda_a in answer["answer"] and answer["citations"][0]["article_id"] == panda["id"]
