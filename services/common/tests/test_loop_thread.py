"""LoopThread: start/stop semantics and no threads left behind after a stop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from medcode_common.loop_thread import LoopThread


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


def test_a_stopped_loop_thread_leaves_no_threads_behind() -> None:
    before = set(threading.enumerate())
    for _ in range(5):
        server = BusyStartup()
        server.start()
        server.stop()
    left = [t.name for t in threading.enumerate() if t not in before]
    assert left == []


def test_a_failed_startup_is_raised_in_the_caller_and_its_loop_is_closed() -> None:
    server = FailingStartup()
    with pytest.raises(RuntimeError, match="failing-startup failed to start") as caught:
        server.start()
    assert isinstance(caught.value.__cause__, ValueError)
    server._thread.join(timeout=10)
    assert server._loop.is_closed()
