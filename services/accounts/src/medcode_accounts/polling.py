"""The loop behind the outbox publishers: a pass at once when woken, else every poll, backing
off while a pass fails, on a thread of its own so slow brokers or relays never hold up RPCs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


class Poller:
    """Runs `one_pass()` (blocking; returns how many rows it handled) until `stop()`."""

    name = "poller"

    def __init__(self, *, poll_seconds: float, max_backoff_seconds: float, batch_size: int) -> None:
        self._poll = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._batch = batch_size
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        self._wake = asyncio.Event()
        self._stopping = False
        self.failures = 0

    def one_pass(self) -> int:
        """Handle up to a batch; raise when the store or the destination fails."""
        raise NotImplementedError

    def finish(self) -> None:
        """Clean up after the last pass (e.g. give up a lease); runs once `run()` stops."""

    def wake(self) -> None:
        """Run a pass soon: called after a transaction added rows (on the server's loop)."""
        self._wake.set()

    async def run(self) -> None:
        """Pass until `stop()`; exponential backoff while passes fail, losing nothing."""
        failures = 0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            try:
                handled = await loop.run_in_executor(self._executor, self.one_pass)
            except Exception as error:  # store or destination down: retry later
                failures += 1
                self.failures += 1
                delay = min(self._max_backoff, 0.25 * 2 ** min(failures, 16))
                log.warning("%s pass failed (%r); retrying in %.1fs", self.name, error, delay)
                await self._sleep(delay, wakeable=False)
                continue
            if failures:
                log.info("%s resumed after %s failed attempts", self.name, failures)
                failures = 0
            if handled < self._batch:
                await self._sleep(self._poll, wakeable=True)
        try:
            await loop.run_in_executor(self._executor, self.finish)
        except Exception as error:  # the store is down: the lease then simply expires
            log.warning("%s could not finish cleanly: %r", self.name, error)

    async def _sleep(self, seconds: float, *, wakeable: bool) -> None:
        deadline = asyncio.get_running_loop().time() + seconds
        while not self._stopping:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0 or (wakeable and self._wake.is_set()):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=left)
            if not wakeable:
                self._wake.clear()

    def stop(self) -> None:
        """Ask `run()` to return after its current pass."""
        self._stopping = True
        self._wake.set()

    def close(self) -> None:
        """Release the pass thread (after `run()` returned)."""
        self._executor.shutdown(wait=True)
