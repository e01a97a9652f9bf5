"""One build at a time per index folder: an exclusive ``flock`` on ``<index>/.build.lock``.

The lock belongs to an open file, so the kernel releases it when the holder exits, even after
``kill -9``: a killed build never leaves a stale lock behind. The CLI and the server's admin API
take the same lock, and two builds in one process exclude each other too.
"""

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from qa.errors import BuildInProgress
from qa.index.durable import make_dirs

logger = logging.getLogger(__name__)

LOCK_FILE = ".build.lock"
POLL_SECONDS = 0.1


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"


@contextmanager
def build_lock(index_root: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the build lock of ``index_root``, waiting up to ``timeout`` seconds for another build.

    Raises ``BuildInProgress`` naming the holder when the wait runs out.
    """
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0 seconds, got {timeout}")
    make_dirs(index_root)  # durable: a version written into it must not lose its folder to a power cut
    path = index_root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildInProgress(
                        f"another build is running on this index ({_holder(path)}); "
                        f"gave up after waiting {timeout:g} s: try again when it has finished"
                    ) from None
                if not waited:
                    logger.info("waiting for the running build (%s) to finish", _holder(path))
                    waited = True
                time.sleep(POLL_SECONDS)
        since = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {since}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
