"""A damaged index on disk is refused with a message naming the damage; a server keeps serving the
previous good version, and without one answers 503 with that message."""

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.api.app import create_app
from qa.embedders.hashing import HashEmbedder
from qa.errors import IndexStoreError
from qa.index.store import POINTER, VERSIONS, current_version_dir, load_version, set_current
from qa.indexing.build import build_index
from qa.settings import Settings
from qa.testing.generated import question, write_corpus
from qa.text.segmentation import Tokenizer


def truncate(name: str, keep: float = 0.5) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        path = version / name
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return damage


def garbage(name: str) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        paths = sorted((version / name).iterdir()) if (version / name).is_dir() else [version / name]
        for path in paths:
            path.write_bytes(b"\x93NUMPY garbage \x00\xff" * 20)

    return damage


def replace_text(name: str, old: str, new: str) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        path = version / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    return damage


def remove(name: str) -> Callable[[Path], None]:
    def damage(version: Path) -> None:
        target = version / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    return damage


DAMAGE = {
    "truncated dense.faiss": (truncate("dense.faiss"), "dense.faiss cannot be read"),
    "empty dense.faiss": (truncate("dense.faiss", 0), "dense.faiss cannot be read"),
    "garbage dense.faiss": (garbage("dense.faiss"), "dense.faiss cannot be read"),
    "garbage bm25 files": (garbage("bm25"), "bm25 cannot be read"),
    "truncated bm25 vocabulary": (truncate("bm25/vocab.index.json"), "bm25 cannot be read"),
    "truncated bm25 scores": (truncate("bm25/data.csc.index.npy"), "bm25 cannot be read"),
    "bad manifest JSON": (lambda v: (v / "manifest.json").write_text("{bad"), "manifest.json cannot be read"),
    "manifest not an object": (lambda v: (v / "manifest.json").write_text("[]"), "manifest.json cannot be read"),
    "truncated articles": (truncate("articles.jsonl"), "articles.jsonl cannot be read"),
    "articles cut at a line end": (
        lambda v: (v / "articles.jsonl").write_text(
            "".join((v / "articles.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:-1]),
            encoding="utf-8",
        ),
        "is inconsistent",
    ),
    "truncated chunks": (truncate("chunks.jsonl"), "chunks.jsonl cannot be read"),
    "chunk of an unknown article": (
        replace_text("chunks.jsonl", '"article_id":"gen-00001"', '"article_id":"gen-99999"'),
        "chunk 'gen-00001:0' does not match its article",
    ),
    "missing bm25": (remove("bm25"), "incomplete: missing bm25"),
    "missing manifest": (remove("manifest.json"), "incomplete: missing manifest.json"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tokenizer) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("corrupt")
    write_corpus(root / "corpus", 12)
    build_index(root / "corpus", root / "index", HashEmbedder(), tokenizer)
    return root / "corpus", root / "index"


def damaged_copy(index: Path, kind: str, name: str = "29990101T000000000000Z") -> Path:
    version = index / VERSIONS / name
    shutil.rmtree(version, ignore_errors=True)
    shutil.copytree(current_version_dir(index), version)
    DAMAGE[kind][0](version)
    return version


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_version_is_refused_naming_the_damage(built, kind):
    version = damaged_copy(built[1], kind)
    with pytest.raises(IndexStoreError, match=DAMAGE[kind][1]):
        load_version(version, "hash-test")
    shutil.rmtree(version)


def test_a_pointer_to_a_missing_or_odd_version_is_refused(built, tmp_path: Path):
    index = tmp_path / "index"
    shutil.copytree(built[1], index)
    (index / POINTER).write_text("20000101T000000000000Z\n")
    with pytest.raises(IndexStoreError, match="index version 20000101T000000000000Z does not exist"):
        load_version(current_version_dir(index), "hash-test")
    (index / POINTER).write_text("../../etc\n")
    with pytest.raises(IndexStoreError, match="is corrupt"):
        current_version_dir(index)


def make_client(corpus: Path, index: Path) -> TestClient:
    settings = Settings(corpus_dir=corpus, index_dir=index, model="hash-test", reload_interval=0.05)
    return TestClient(create_app(settings, embedder=HashEmbedder()), raise_server_exceptions=False)


def wait_for_problem(client: TestClient, done: Callable[[dict], bool] = lambda h: bool(h["problem"])) -> dict:
    deadline = time.monotonic() + 10
    while not done(health := client.get("/health").json()):
        assert time.monotonic() < deadline, "the server never noticed the damaged version"
        time.sleep(0.05)
    return health


@pytest.mark.parametrize("kind", ["truncated dense.faiss", "garbage bm25 files", "bad manifest JSON"])
def test_the_server_keeps_serving_the_good_version_and_says_why(built, tmp_path: Path, kind):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built[0], corpus)
    shutil.copytree(built[1], index)
    good = current_version_dir(index).name
    with make_client(corpus, index) as client:
        assert client.get("/health").json() | {"problem": None} == client.get("/health").json()
        bad = damaged_copy(index, kind)
        set_current(index, bad)
        health = wait_for_problem(client)
        assert health["status"] == "ok" and health["version"] == good
        assert f"cannot load {bad.name}" in health["problem"] and DAMAGE[kind][1] in health["problem"]
        assert health["problem"].endswith(f"still serving version {good}")
        assert client.post("/ask", json={"question": question(3)}).status_code == 200

        # Pointed back at the good version (a rollback): the problem is gone.
        set_current(index, index / VERSIONS / good)
        deadline = time.monotonic() + 10
        while client.get("/health").json()["problem"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)


@pytest.mark.parametrize("kind", ["truncated dense.faiss", "missing bm25", "CURRENT names a missing version"])
def test_a_server_with_only_a_damaged_version_answers_503_saying_why(built, tmp_path: Path, kind):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built[0], corpus)
    shutil.copytree(built[1], index)
    if kind == "CURRENT names a missing version":
        shutil.rmtree(current_version_dir(index))
        expected = "does not exist"
    else:
        DAMAGE[kind][0](current_version_dir(index))
        expected = DAMAGE[kind][1]
    with make_client(corpus, index) as client:
        response = client.post("/ask", json={"question": question(3)})
        assert response.status_code == 503
        assert response.json()["message"].startswith("index not available: index version")
        assert expected in response.json()["message"]
        chat = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question(3)}]})
        assert chat.status_code == 503 and expected in chat.json()["error"]["message"]
        health = client.get("/health").json()
        assert health["status"] == "no_index" and expected in health["problem"]
        assert client.get("/articles/gen-00001").status_code == 503
        for text in (response.text, chat.text, str(health)):  # the version's name, never where it is
            assert_no_paths(text, tmp_path)


@pytest.fixture
def three_versions(built, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A copy of ``built`` updated twice (articles 12-13, then 14-15): versions oldest first."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built[0], corpus)
    shutil.copytree(built[1], index)
    for start in (12, 14):
        write_corpus(corpus, 2, start=start)
        build_index(corpus, index, HashEmbedder(), Tokenizer())
    names = sorted(p.name for p in (index / VERSIONS).iterdir())
    assert len(names) == 3 and current_version_dir(index).name == names[-1]
    return corpus, index, names


def assert_no_paths(text: str, tmp_path: Path) -> None:
    assert str(tmp_path) not in text and "/versions/" not in text, text


def test_a_server_starts_from_the_newest_older_version_when_the_current_one_is_damaged(three_versions, tmp_path: Path):
    corpus, index, (oldest, older, newest) = three_versions
    DAMAGE["truncated dense.faiss"][0](index / VERSIONS / newest)  # e.g. a power cut before the fix
    with make_client(corpus, index) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["version"] == older
        assert health["problem"].startswith(f"cannot load {newest}: index version {newest} is damaged: dense.faiss")
        assert health["problem"].endswith(f"serving older version {older} instead")
        assert_no_paths(health["problem"], tmp_path)
        answer = client.post("/ask", json={"question": question(13)}).json()
        assert answer["citations"][0]["article_id"] == "gen-00013"  # the older version has it; 14-15 are missing
    DAMAGE["missing bm25"][0](index / VERSIONS / older)
    with make_client(corpus, index) as client:
        assert client.get("/health").json()["version"] == oldest


def test_a_server_starts_from_the_newest_version_when_current_is_unreadable(three_versions, tmp_path: Path):
    corpus, index, names = three_versions
    (index / POINTER).write_bytes(b"")  # a pointer whose content never reached the disk
    with make_client(corpus, index) as client:
        health = client.get("/health").json()
        assert health["version"] == names[-1]
        assert health["problem"] == (
            f"the index pointer CURRENT is corrupt: '' is not a version name; serving older version {names[-1]} instead"
        )


def test_a_server_serving_nothing_falls_back_when_current_names_a_damaged_version(three_versions, tmp_path: Path):
    corpus, index, (_, older, newest) = three_versions
    (index / POINTER).unlink()
    with make_client(corpus, index) as client:
        health = client.get("/health").json()
        assert health["status"] == "no_index"
        assert health["problem"] == "no index has been built yet: build one with `python build_index.py`"
        DAMAGE["garbage bm25 files"][0](index / VERSIONS / newest)
        set_current(index, index / VERSIONS / newest)
        health = wait_for_problem(client, lambda h: h["version"] is not None)
        assert health["version"] == older and f"cannot load {newest}" in health["problem"]
