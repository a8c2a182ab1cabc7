"""Password work (argon2id) on a bounded pool of its own, with admission control.

Hashing is slow on purpose. Run on the threads every other call shares, a burst of sign-ins
would queue `GetUser`, `VerifyApiKey` and refreshes behind seconds of hashing; instead
sign-up and sign-in run here, at most `workers` at once with at most `queue` waiting, and
the rest are refused at once with a retry-after (the gateway's 429), so a flood costs the
other calls nothing but the refusals.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from medcode_accounts.errors import Throttled

T = TypeVar("T")
BUSY = "too many sign-ins and sign-ups at once; try again in a moment"
_SMOOTHING = 0.2  # weight of the newest duration in the running average


class PasswordWorkPool:
    """Runs blocking password calls on `workers` threads; refuses beyond `workers + queue`.

    A call counts until its work is done or cancelled before it started, not until its caller
    stops waiting: a client that hangs up does not take its hashing off the books.
    """

    def __init__(self, *, workers: int, queue: int) -> None:
        self._workers = workers
        self._capacity = workers + queue
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="password")
        self._lock = threading.Lock()
        self._admitted = 0
        self._average_seconds = 0.25  # replaced by measurements after the first calls
        self.refused = 0

    @property
    def admitted(self) -> int:
        """Calls running or waiting now."""
        return self._admitted

    def retry_after(self) -> int:
        """Seconds until a full pool has worked through its backlog, at least 1."""
        return max(1, math.ceil(self._capacity * self._average_seconds / self._workers))

    async def run(self, call: Callable[[], T]) -> T:
        """`call()` on a password thread; Throttled (RESOURCE_EXHAUSTED) when the pool is full."""
        with self._lock:
            full = self._admitted >= self._capacity
            if full:
                self.refused += 1
            else:
                self._admitted += 1
        if full:
            raise Throttled(BUSY, retry_after=self.retry_after())
        work = self._executor.submit(self._timed, call)
        work.add_done_callback(self._release)  # done, failed, or cancelled before it ran
        return await asyncio.wrap_future(work)

    def _release(self, _work: Future[Any]) -> None:
        with self._lock:
            self._admitted -= 1

    def _timed(self, call: Callable[[], T]) -> T:
        """Run `call` and fold how long it worked (not waited) into the average."""
        started = time.monotonic()
        try:
            return call()
        finally:
            took = time.monotonic() - started
            self._average_seconds += _SMOOTHING * (took - self._average_seconds)

    def close(self) -> None:
        """Finish running calls and release the threads."""
        self._executor.shutdown(wait=True, cancel_futures=True)
