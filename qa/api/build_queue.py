"""Admin builds of one server process, one at a time, their waiters waiting on the event loop.

A build runs in a worker thread (embedding blocks). Before this queue, every admin request that
arrived during a build took a thread of the pool too, only to wait up to ``QA_BUILD_LOCK_TIMEOUT``
seconds for the build lock: a burst of them could hold every thread the pool has, and with them
every other route that needs one (``/ask`` retrieves in a thread). Now at most one thread per process
waits for or holds the build lock (another process's build, e.g. the CLI, can still make it wait);
the other requests wait here without a thread, at most ``max_waiting`` of them: more get 429 at once.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from qa.errors import BuildInProgress, TooManyWaiting


class BuildQueue:
    """``async with queue.turn():`` runs the body when no other admin build of this process is running."""

    def __init__(self, max_waiting: int, timeout: float) -> None:
        if max_waiting < 0:
            raise ValueError(f"max_waiting must be >= 0, got {max_waiting}")
        if timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds, got {timeout}")
        self.max_waiting = max_waiting
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._waiting = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._lock.locked() and self._waiting >= self.max_waiting:
            raise TooManyWaiting(
                f"a build is running and {self._waiting} more admin requests are waiting for it "
                f"(QA_ADMIN_MAX_WAITING={self.max_waiting}): try again when they have finished"
            )
        self._waiting += 1
        try:
            with anyio.fail_after(self.timeout):
                await self._lock.acquire()
        except TimeoutError:
            raise BuildInProgress(
                f"another admin request's build is running; gave up after waiting {self.timeout:g} s: "
                "try again when it has finished"
            ) from None
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()
