"""Stateless servers on one Milvus: two real server processes answer from one `milvus-lite server`.

One server has the corpus and the admin API; the other has no index folder at all. An article added
through the first is answered by the second; a full rebuild by the CLI under load switches both, and
not one request fails.
"""

import shutil
import time
from collections.abc import Iterator

import httpx
import pytest

from qa.testing.generated import DISTINCT, write_corpus
from qa.testing.samples import SAMPLE_PAGE
from qa.testing.server import LiveServer, start_server
from qa.testing.stores import IndexStoreUnderTest, milvus_lite_server
from tests.e2e.test_live_updates import Clients, ask, wait_for

pytestmark = pytest.mark.e2e

TOKEN = "e2e-milvus-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer, IndexStoreUnderTest]]:
    root = tmp_path_factory.mktemp("milvus-servers")
    corpus = root / "corpus"
    write_corpus(corpus, 100)
    shutil.copy(SAMPLE_PAGE, corpus / SAMPLE_PAGE.name)
    with milvus_lite_server(root / "milvus") as address:
        store = IndexStoreUnderTest("milvus", address)
        common = {"model": "hash-test", "reload_interval": 0.2, "log_level": "warning", **store.options(root / "index")}
        with (
            start_server(
                root / "index", corpus=corpus, build=True, log=root / "a.log", admin_token=TOKEN, **common
            ) as a,
            # Nothing on local disk: an index folder that does not exist, no corpus.
            start_server(root / "nothing" / "index", log=root / "b.log", **common) as b,
        ):
            yield a, b, store


def test_an_article_added_through_one_server_is_answered_by_the_other(servers):
    a, b, _ = servers
    (mars, mars_q, mars_a), _, _ = DISTINCT
    with httpx.Client(base_url=a.base, timeout=60) as first, httpx.Client(base_url=b.base, timeout=60) as second:
        assert second.get("/health").json()["store"] == "milvus"
        assert not b.index.exists() and not b.index.parent.exists()  # nothing on local disk
        body = first.post("/articles", headers=AUTH, json=mars).json()
        assert body["build"]["added"] == 1 and body["serving"] == body["build"]["version"]
        wait_for(second, body["serving"])
        answer = ask(second, mars_q)
        assert mars_a in answer["answer"] and answer["citations"][0]["article_id"] == mars["id"]
        assert second.get(f"/articles/{mars['id']}").json()["title"] == mars["title"]
        assert first.delete(f"/articles/{mars['id']}", headers=AUTH).status_code == 200
        wait_for(second, first.get("/health").json()["version"])
        assert mars["id"] not in [c["article_id"] for c in ask(second, mars_q)["citations"]]


def test_a_rebuild_switches_both_servers_with_no_failed_request(servers):
    a, b, store = servers
    before = store.served(a.index)
    with Clients(a.base, count=2) as on_a, Clients(b.base, count=2) as on_b:
        time.sleep(0.5)
        build = a.cli_build("--full")
        assert build.returncode == 0, build.stderr[-3000:]
        assert "published to Milvus (full)" in build.stdout
        version = store.served(a.index)  # the alias moved
        with httpx.Client(base_url=a.base, timeout=60) as first, httpx.Client(base_url=b.base, timeout=60) as second:
            wait_for(first, version)
            wait_for(second, version)
        time.sleep(0.5)  # a few more requests on the new version
    assert version != before
    assert on_a.failures == [] and on_b.failures == []
    assert on_a.requests > 10 and on_b.requests > 10
    for clients in (on_a, on_b):
        assert all(seen[-1] == version for seen in clients.versions)


def test_a_milvus_lite_file_built_by_one_process_is_served_by_the_next(tmp_path_factory: pytest.TempPathFactory):
    # `make run` with QA_INDEX_STORE=milvus and a file: build_index.py publishes and exits, the server opens the file.
    root = tmp_path_factory.mktemp("milvus-file")
    corpus = root / "corpus"
    shutil.copy(SAMPLE_PAGE, corpus.mkdir() or corpus / SAMPLE_PAGE.name)
    settings = {"model": "hash-test", "index_store": "milvus", "milvus_uri": str(root / "milvus.db")}
    with start_server(root / "index", corpus=corpus, build=True, log=root / "server.log", **settings) as server:
        health = httpx.get(f"{server.base}/health").json()
        assert health["store"] == "milvus" and health["articles"] == 4
        body = httpx.post(f"{server.base}/ask", json={"question": "荣氏家族向江南大学捐资多少？"}, timeout=30).json()
        assert "1.1亿元" in body["answer"]
