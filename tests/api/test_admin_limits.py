"""The admin API under pressure: a full disk is a 507 saying so, with nothing left behind; requests waiting for
a running build wait without a thread each, and beyond QA_ADMIN_MAX_WAITING get 429 at once."""

import errno
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from qa.index.dense import DenseIndex
from qa.index.lock import build_lock
from qa.index.store import POINTER, VERSIONS
from qa.testing.generated import article
from qa.testing.stores import IndexStoreUnderTest
from tests.api.test_admin import AUTH, make_client, make_dirs

ADDED = {**article(500), "id": "added-on-a-full-disk"}

# A full disk is a matter of the index folder, written the same whatever store serves it.
FAISS = IndexStoreUnderTest("faiss")


def leftovers(index: Path) -> list[str]:
    return [p.name for p in (index / VERSIONS).iterdir() if p.name.startswith(".")]


def test_a_full_disk_during_a_build_is_507_and_changes_nothing(tmp_path: Path, tokenizer, monkeypatch):
    corpus, index = make_dirs(tmp_path, tokenizer, FAISS)
    pointer = (index / POINTER).read_text()

    def full(self: DenseIndex, path: Path) -> None:
        path.write_bytes(b"part of an index")  # something was written before the disk filled up
        raise RuntimeError(f"Error in faiss::FileIOWriter: fwrite to {path} failed: No space left on device")

    with make_client((corpus, index), FAISS) as client:
        monkeypatch.setattr(DenseIndex, "save", full)
        response = client.post("/articles", json=ADDED, headers=AUTH)
        assert response.status_code == 507
        message = response.json()["message"]
        assert message.startswith("no space left on the disk holding the index (") and "nothing was changed" in message
        assert str(tmp_path) not in message
        assert leftovers(index) == [] and (index / POINTER).read_text() == pointer
        assert not (corpus / "api" / f"{ADDED['id']}.jsonl").exists()  # the corpus edit is undone
        monkeypatch.undo()
        assert client.post("/articles", json=ADDED, headers=AUTH).status_code == 201


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB file system of its own (tmpfs): filling it up touches no other disk. Needs root."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` up to the last byte; returns the filler file (delete it to free the space)."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


@pytest.mark.parametrize("full", ["index", "corpus"])
def test_a_really_full_disk_is_507_naming_what_is_full(small_disk: Path, tmp_path: Path, tokenizer, full: str):
    folders = dict(zip(("corpus", "index"), make_dirs(tmp_path / "data", tokenizer, FAISS)))
    folders[full] = Path(shutil.move(folders[full], small_disk / full))  # only that one on the small disk
    corpus, index = folders["corpus"], folders["index"]
    with make_client((corpus, index), FAISS) as client:
        before = client.get("/health").json()["version"]
        filler = fill(small_disk)
        response = client.post("/articles", json=ADDED, headers=AUTH)
        assert response.status_code == 507, response.text
        assert response.json()["message"].startswith(f"no space left on the disk holding the {full} (0 MiB free)")
        assert leftovers(index) == [] and client.get("/health").json()["version"] == before
        filler.unlink()
        assert client.post("/articles", json=ADDED, headers=AUTH).status_code == 201


def threads_in_use(client: TestClient) -> int:
    return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().borrowed_tokens)


def test_requests_waiting_for_a_build_hold_no_thread_and_are_bounded(tmp_path: Path, tokenizer):
    corpus, index = make_dirs(tmp_path, tokenizer, FAISS)
    answers: list[tuple[float, int]] = []

    def reindex(client: TestClient) -> None:
        started = time.monotonic()
        status = client.post("/admin/reindex", headers=AUTH).status_code
        answers.append((time.monotonic() - started, status))

    with make_client((corpus, index), FAISS, admin_max_waiting=2, build_lock_timeout=20) as client:
        with build_lock(index):  # another process's build: the first request's thread waits for it
            callers = [threading.Thread(target=reindex, args=(client,)) for _ in range(6)]
            for caller in callers:
                caller.start()
                time.sleep(0.05)
            deadline = time.monotonic() + 10
            while len(answers) < 3:
                assert time.monotonic() < deadline, f"no request was refused: {answers}"
                time.sleep(0.05)
            assert [status for _, status in answers] == [429, 429, 429]
            assert all(seconds < 5 for seconds, _ in answers)  # at once, not after the lock timeout
            assert threads_in_use(client) == 1  # the one waiting for the build lock
            refused = client.post("/admin/reindex", headers=AUTH)
            assert refused.status_code == 429 and refused.headers["retry-after"] == "5"
            assert "2 more admin requests are waiting" in refused.json()["message"]
        for caller in callers:
            caller.join(timeout=60)
        assert sorted(status for _, status in answers) == [200, 200, 200, 429, 429, 429]
        assert threads_in_use(client) == 0


def test_a_full_corpus_disk_undoes_nothing_it_did_not_do(tmp_path: Path, tokenizer, monkeypatch):
    corpus, index = make_dirs(tmp_path, tokenizer, FAISS)
    shutil.copytree(corpus, tmp_path / "corpus-before")

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with make_client((corpus, index), FAISS) as client:
        monkeypatch.setattr("qa.index.durable.write_atomic", full)
        response = client.post("/articles", json=ADDED, headers=AUTH)
        assert response.status_code == 507
        assert response.json()["message"].startswith("no space left on the disk holding the corpus (")
    after = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    assert after == sorted(p.relative_to(tmp_path / "corpus-before") for p in (tmp_path / "corpus-before").rglob("*"))
