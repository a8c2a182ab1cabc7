"""Run an asyncio service on its own event loop in a daemon thread (tests and benchmarks).

Subclasses implement `startup` and `shutdown`; `start()` returns once startup finished and
re-raises its error in the caller's thread, so a broken server fails a test at once
instead of after a timeout.
"""

from __future__ import annotations

import asyncio
import threading


class LoopThread:
    """An event loop in a daemon thread that runs `startup`, then serves until `stop()`."""

    name = "service"

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    async def startup(self) -> None:
        """Start serving; runs on the thread's loop."""

    async def shutdown(self) -> None:
        """Stop serving; runs on the thread's loop."""

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            try:
                self._loop.run_until_complete(self.startup())
            except BaseException as error:  # re-raised by start() in the caller's thread
                self._error = error
                return
            finally:
                self._ready.set()
            self._loop.run_forever()
        finally:
            self._close_loop()

    def _close_loop(self) -> None:
        """Join the loop's executor threads and close it.

        `asyncio.to_thread` starts worker threads that live until their executor shuts
        down; a test run starts hundreds of these servers, and without this each left
        its idle workers behind (CI once ran out of threads).
        """
        try:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
        finally:
            self._loop.close()

    def start(self, *, timeout: float = 300.0) -> None:
        """Start the thread and wait for `startup`; raise if it failed or never finished."""
        self._thread.start()
        if not self._ready.wait(timeout=timeout):
            raise RuntimeError(f"{self.name} did not start in {timeout:.0f}s")
        if self._error is not None:
            raise RuntimeError(f"{self.name} failed to start") from self._error

    def stop(self) -> None:
        """Run `shutdown`, stop the loop and join the thread."""
        asyncio.run_coroutine_threadsafe(self.shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
