"""A power cut loses what was not fsynced: every file and folder a version needs is on disk before CURRENT
names it, and every admin edit of the corpus before the request is answered.

The build and the admin writes run in a child process whose ``os.fsync``, ``os.replace``, ``os.rename``,
``os.mkdir`` and ``os.unlink`` log each call with its path, in order; the test reads the log back. A name
(a new file, a rename, a removal) survives a power cut only once its folder is fsynced; file contents
once the file is.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.testing.generated import article, write_corpus
from qa.testing.samples import ROOT, SAMPLE_PAGE

CHILD = r"""
import json, os, sys
from pathlib import Path

log = open(sys.argv[3], "w")

def record(op, *paths):
    log.write(json.dumps([op, *[os.path.abspath(os.fsdecode(p)) for p in paths]]) + "\n")
    log.flush()

def wrap(name, op, path_args):
    real = getattr(os, name)
    def logged(*args, **kwargs):
        result = real(*args, **kwargs)
        if kwargs.get("dir_fd") is None and kwargs.get("src_dir_fd") is None:
            record(op, *args[:path_args])
        return result
    setattr(os, name, logged)

real_fsync = os.fsync
def fsync(fd):
    fd = fd if isinstance(fd, int) else fd.fileno()
    real_fsync(fd)
    record("fsync", os.readlink(f"/proc/self/fd/{fd}"))
os.fsync = fsync
wrap("replace", "rename", 2)
wrap("rename", "rename", 2)
wrap("mkdir", "mkdir", 1)
wrap("unlink", "unlink", 1)

from qa.embedders.hashing import HashEmbedder
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.indexing.updates import IndexUpdater
from qa.text.segmentation import Tokenizer

corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
added = json.loads(sys.argv[4])
embedder, tokenizer, options = HashEmbedder(), Tokenizer(), BuildOptions(keep_versions=10)  # keep all to inspect
build_index(corpus, index, embedder, tokenizer, options)
record("ack", "build")
updater = IndexUpdater(corpus, index, embedder, tokenizer, options)
updater.add(added)
record("ack", "add")
updater.delete(added["id"])
record("ack", "delete-api")
updater.delete("gen-00001")
record("ack", "delete-file")
"""


def run_logged(tmp_path: Path, corpus: Path, index: Path, added: dict) -> list[list[str]]:
    script, log = tmp_path / "child.py", tmp_path / "calls.log"
    script.write_text(CHILD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(corpus), str(index), str(log), json.dumps(added, ensure_ascii=False)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's qa/, not the one installed
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


class Log:
    """The logged calls, with the questions the assertions ask of them."""

    def __init__(self, calls: list[list[str]]) -> None:
        self.calls = calls

    def first(self, op: str, path: Path, start: int = 0, end: int | None = None) -> int:
        """Index of the first ``op`` whose last path is ``path`` in ``calls[start:end]`` (-1: none)."""
        end = len(self.calls) if end is None else end
        return next((i for i in range(start, end) if self.calls[i][0] == op and self.calls[i][-1] == str(path)), -1)

    def fsyncs(self, path: Path, before: int) -> list[int]:
        return [i for i, call in enumerate(self.calls[:before]) if call == ["fsync", str(path)]]

    def ack(self, what: str) -> int:
        at = self.first("ack", Path(what).absolute())
        assert at >= 0, f"{what} never finished"
        return at

    def durable_name(self, event: int, path: Path, before: int) -> None:
        """The name ``path`` changed at ``event`` is on disk by ``before``: its folder is fsynced in between."""
        synced = self.first("fsync", path.parent, event + 1, before)
        assert synced >= 0, f"{path.name} ({self.calls[event][0]}) is not durable: {path.parent} not fsynced after it"

    def durable_rename(self, path: Path, start: int, before: int) -> int:
        """``path`` was renamed into place after ``start`` with its content and its name on disk by ``before``."""
        renamed = self.first("rename", path, start, before)
        assert renamed >= 0, f"{path.name} was not renamed into place"
        assert self.fsyncs(Path(self.calls[renamed][1]), before=renamed), f"{path.name}: content not fsynced first"
        self.durable_name(renamed, path, before)
        return renamed


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Log, Path, Path]:
    root = tmp_path_factory.mktemp("power-cut")
    corpus, index = root / "corpus", root / "data" / "index"  # data/ too is made by the build
    write_corpus(corpus, 6)
    (corpus / SAMPLE_PAGE.name).write_bytes(SAMPLE_PAGE.read_bytes())
    added = {**article(900), "id": "added-by-api"}
    return Log(run_logged(root, corpus, index, added)), corpus, index


def test_every_file_and_folder_of_a_version_is_durable_before_current_names_it(logged):
    log, _, index = logged
    built = log.ack("build")
    switch = log.durable_rename(index / "CURRENT", 0, built)
    # The version CURRENT names: the folder renamed into versions/ before the switch.
    moved = max(i for i, call in enumerate(log.calls[:switch]) if call[0] == "rename" and ".tmp-" in call[1])
    staging, final = Path(log.calls[moved][1]), Path(log.calls[moved][2])
    assert final.parent == index / "versions" and (index / "CURRENT").read_text().strip() != ""
    parts = sorted(p.relative_to(final) for p in final.rglob("*"))
    names = {str(p) for p in parts}
    assert {"manifest.json", "dense.faiss", "bm25", "articles.jsonl", "chunks.jsonl", "words.txt"} <= names
    assert {"sources.json", "terms.npz"} <= names
    for part in [*parts, Path(".")]:
        synced = log.fsyncs(staging / part, before=moved)
        assert synced, f"{part} was not fsynced before the version got its final name"
        held = [i for p in parts if (final / part) in (final / p).parents for i in log.fsyncs(staging / p, moved)]
        assert max(synced) > max(held, default=-1), f"folder {part} was fsynced before what it holds"
    log.durable_name(moved, final, before=switch)  # versions/ fsynced after the rename, before CURRENT moves
    # Folders the build made (data/, index/, versions/) are durable in their parents before CURRENT moves.
    made = [i for i, call in enumerate(log.calls[:switch]) if call[0] == "mkdir" and ".tmp-" not in call[1]]
    assert len(made) >= 3
    for i in made:
        log.durable_name(i, Path(log.calls[i][1]), before=switch)


def test_an_admin_edit_is_durable_before_it_is_indexed_and_answered(logged):
    log, corpus, index = logged
    built, added, deleted_api, deleted_file = (log.ack(w) for w in ("build", "add", "delete-api", "delete-file"))
    api_file = corpus / "api" / "added-by-api.jsonl"

    made = log.first("mkdir", corpus / "api", built, added)
    assert made >= 0
    log.durable_name(made, corpus / "api", before=added)  # a new api/ folder is fsynced in corpus/
    written = log.first("rename", api_file, built, added)
    switched = log.first("rename", index / "CURRENT", written, added)
    log.durable_rename(api_file, built, before=switched)  # on disk before the index serves it

    removed = log.first("unlink", api_file, added, deleted_api)
    assert removed >= 0
    log.durable_name(removed, api_file, before=deleted_api)

    log.durable_rename(corpus / ".deleted", deleted_api, before=deleted_file)
