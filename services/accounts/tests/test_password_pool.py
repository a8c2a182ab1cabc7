"""The password pool admits `workers + queue` calls and counts each until its work is done."""

from __future__ import annotations

import asyncio
import threading

import pytest

from medcode_accounts.errors import Throttled
from medcode_accounts.password_pool import BUSY, PasswordWorkPool


def test_calls_beyond_the_queue_are_refused_with_a_retry_after() -> None:
    gate = threading.Event()
    pool = PasswordWorkPool(workers=1, queue=1)

    async def scenario() -> None:
        running = [asyncio.ensure_future(pool.run(gate.wait)) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(Throttled) as refused:
            await pool.run(lambda: True)
        assert str(refused.value) == BUSY and refused.value.retry_after >= 1
        gate.set()
        assert await asyncio.gather(*running) == [True, True]
        assert await pool.run(lambda: "after") == "after"

    asyncio.run(scenario())
    assert (pool.refused, pool.admitted) == (1, 0)
    pool.close()


def test_a_caller_that_gives_up_does_not_free_the_work_it_started() -> None:
    gate = threading.Event()
    started = threading.Event()
    pool = PasswordWorkPool(workers=1, queue=1)

    def slow() -> None:
        started.set()
        gate.wait()

    async def scenario() -> None:
        first = asyncio.ensure_future(pool.run(slow))  # runs, blocked on the gate
        second = asyncio.ensure_future(pool.run(lambda: None))  # waits for the thread
        await asyncio.to_thread(started.wait)
        first.cancel()
        second.cancel()  # never started: cancelled for real, so its place is free again
        await asyncio.gather(first, second, return_exceptions=True)
        assert pool.admitted == 1  # the running hash still counts: the client hung up only
        third = asyncio.ensure_future(pool.run(lambda: "third"))
        await asyncio.sleep(0.05)
        with pytest.raises(Throttled):
            await pool.run(lambda: "fourth")
        gate.set()
        assert await third == "third"

    asyncio.run(scenario())
    assert pool.admitted == 0
    pool.close()
