"""The index store a test runs against: the same tests over version folders (faiss) and Milvus Lite (milvus).

``tests/api/conftest.py`` parametrises the API suite with both; each index folder gets its own Milvus
alias (named after the folder), so the builds and servers of one test find each other and no other's.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.embedders.protocol import Embedder
from qa.index.stores import FaissStore, publisher_for
from qa.indexing.build import build_index
from qa.indexing.options import BuildOptions
from qa.indexing.publish import catch_up
from qa.indexing.summary import BuildSummary
from qa.settings import Settings
from qa.testing.ports import free_port
from qa.text.segmentation import Tokenizer

STORES = ("faiss", "milvus")


@dataclass(frozen=True)
class IndexStoreUnderTest:
    kind: str  # "faiss" or "milvus"
    milvus_uri: str = ""  # a Milvus Lite file (this process) or a `milvus-lite server` address

    def options(self, index_dir: Path) -> dict[str, Any]:
        """The QA_* settings (as Settings keywords) that serve ``index_dir``'s versions from this store."""
        if self.kind == "faiss":
            return {}
        return {"index_store": "milvus", "milvus_uri": self.milvus_uri, "milvus_collection": alias_for(index_dir)}

    def environment(self, index_dir: Path) -> dict[str, str]:
        """The same as environment variables, for a server or build in another process."""
        return {f"QA_{key.upper()}": str(value) for key, value in self.options(index_dir).items()}

    def settings(self, index_dir: Path, **options: Any) -> Settings:
        return Settings(index_dir=index_dir, **{**self.options(index_dir), **options})

    def build(
        self, corpus: Path, index_dir: Path, embedder: Embedder, tokenizer: Tokenizer, **options: Any
    ) -> BuildSummary:
        """``build_index`` as the CLI runs it with this store: the version also published to Milvus."""
        full = options.pop("full", False)
        publisher = publisher_for(self.settings(index_dir))
        options = BuildOptions(publisher=publisher, **options)
        return build_index(corpus, index_dir, embedder, tokenizer, options, full=full)

    def publish(self, index_dir: Path, model: str) -> None:
        """Publish the folder's current version (built without this store) if the store does not serve it."""
        catch_up(index_dir, publisher_for(self.settings(index_dir)), model)

    def served(self, index_dir: Path) -> str:
        """The version servers of ``index_dir`` are told to serve."""
        settings = self.settings(index_dir)
        store = publisher_for(settings) or FaissStore(index_dir)
        return store.current()


def alias_for(index_dir: Path) -> str:
    return "t_" + hashlib.blake2b(str(index_dir.resolve()).encode(), digest_size=8).hexdigest()


@contextmanager
def milvus_lite_server(data_dir: Path, timeout: float = 60) -> Iterator[str]:
    """`milvus-lite server` in a child process (what several processes share); yields its address."""
    port = free_port()
    command = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir), "--port", str(port)]
    log = (data_dir.parent / f"milvus-lite-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_for(address, process, timeout)
        yield address
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_for(address: str, process: subprocess.Popen, timeout: float) -> None:
    from pymilvus import MilvusClient

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"milvus-lite server exited with {process.returncode}")
        try:
            MilvusClient(uri=address, timeout=2).list_collections()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
