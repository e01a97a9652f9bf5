"""The real server with two worker processes (QA_WORKERS=2) sharing one index version from disk.

Each HTTP/1.1 connection is served by one process, so a client that reads ``worker_pid`` from
/health and asks on the same keep-alive connection knows which worker answered. Both workers must
answer, give the same answers, and each switch by itself to a version built by the CLI or through
the admin API of the other worker. The fake ``hash-test`` model keeps the workers quick to start.
"""

import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from qa.answering.service import QAService
from qa.embedders.hashing import HashEmbedder
from qa.index.store import current_version_dir, load_index
from qa.testing.generated import DISTINCT, article, question, write_corpus, write_jsonl
from qa.testing.samples import SAMPLE_PAGE
from qa.testing.server import LiveServer, start_server
from qa.text.segmentation import Tokenizer

pytestmark = pytest.mark.e2e

TOKEN = "e2e-workers-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLES = 200


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, set[int]]]:
    """The server with two workers, both started and serving; and their pids."""
    root = tmp_path_factory.mktemp("workers")
    corpus = root / "corpus"
    write_corpus(corpus, ARTICLES)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    settings = {"model": "hash-test", "admin_token": TOKEN, "reload_interval": 0.2, "log_level": "warning"}
    log = root / "server.log"
    with start_server(root / "index", corpus=corpus, build=True, workers=2, log=log, **settings) as server:
        yield server, server.worker_pids


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
    server, pids = workers
    base, index = server.base, server.index
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
    # And the answers given are the articles' facts. The fake model ranks most, not all, of the right passages
    # first; since the answerability judge (issue 16) a passage without the asked fact is refused rather than
    # answered wrongly (measured: 16 of 29 answered, every one right; 13 refused as no_matching_fact).
    replies = [(n, by_question[question(n)][pid]) for n in asked for pid in pids if pid in by_question[question(n)]]
    given = [(n, reply) for n, reply in replies if not reply["no_answer"]]
    assert all(f"{100 + n * 7 + 1}亿元" in reply["answer"] for n, reply in given)
    assert len(given) >= len(replies) / 3


def test_every_worker_switches_to_a_version_built_by_the_cli(workers):
    server, pids = workers
    base, corpus, index = server.base, server.corpus, server.index
    (mars, mars_q, mars_a), _, _ = DISTINCT
    old = current_version_dir(index).name
    write_jsonl(corpus / "cli.jsonl", [mars, article(5000)])
    build = server.cli_build()
    assert build.returncode == 0, build.stderr[-3000:]
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
    server, pids = workers
    base, index = server.base, server.index
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
