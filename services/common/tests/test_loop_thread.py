"""LoopThread: start/stop semantics and no threads left behind after a stop."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from medcode_common.loop_thread import LoopThread


def native_threads() -> int:
    """Threads of this process as the kernel counts them (Python and native alike)."""
    return len(list(Path("/proc/self/task").iterdir()))


class BusyStartup(LoopThread):
    """Runs blocking work through `asyncio.to_thread`, as the services' startups do."""

    name = "busy-startup"

    async def startup(self) -> None:
        await asyncio.gather(*(asyncio.to_thread(threading.Event().wait, 0.05) for _ in range(4)))


class FailingStartup(LoopThread):
    name = "failing-startup"

    async def startup(self) -> None:
        await asyncio.to_thread(lambda: None)
        raise ValueError("port taken")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_stopped_loop_thread_leaves_no_threads_behind() -> None:
    before = native_threads()
    for _ in range(5):
        server = BusyStartup()
        server.start()
        server.stop()
    assert settled_thread_count(before) == before


def settled_thread_count(expected: int) -> int:
    """The thread count once exiting threads are gone: a joined thread may linger in /proc
    for a moment after Python's join returns."""
    for _ in range(100):
        if native_threads() <= expected:
            break
        time.sleep(0.01)
    return native_threads()


def test_a_failed_startup_is_raised_in_the_caller_and_its_loop_is_closed() -> None:
    server = FailingStartup()
    with pytest.raises(RuntimeError, match="failing-startup failed to start") as caught:
        server.start()
    assert isinstance(caught.value.__cause__, ValueError)
    server._thread.join(timeout=10)
    assert server._loop.is_closed()
