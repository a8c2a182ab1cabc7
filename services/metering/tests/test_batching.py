"""ScriptBatcher on a real valkey-server: concurrent calls share round trips, errors stay apart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from medcode_metering.batching import ScriptBatcher
from medcode_metering.testing import DurableValkey

pytestmark = pytest.mark.timeout(60)

INCR = "return redis.call('INCR', KEYS[1])"


@pytest.fixture
def client(valkey: DurableValkey, loop: asyncio.AbstractEventLoop) -> Iterator[Redis]:
    redis = Redis.from_url(valkey.url)
    yield redis
    loop.run_until_complete(redis.aclose())


async def _with_connections(client: Redis, work: Any) -> tuple[list[Any], int]:
    """Results of `work` and how many connections the client holds to the server after it."""
    results = await work
    return results, int((await client.info("clients"))["connected_clients"])


def test_concurrent_calls_all_answered_in_order_and_one_bad_call_fails_alone(
    client: Redis, loop: asyncio.AbstractEventLoop
) -> None:
    batcher = ScriptBatcher(client)
    script = client.register_script(INCR)

    async def work() -> list[Any]:
        await client.set("text", "not a number")
        calls = [batcher.run(script, keys=[f"k{i % 3}"], args=[]) for i in range(30)]
        calls.append(batcher.run(script, keys=["text"], args=[]))
        return list(await asyncio.gather(*calls, return_exceptions=True))

    results, connections = loop.run_until_complete(_with_connections(client, work()))
    assert results[:30] == [i // 3 + 1 for i in range(30)]  # k0,k1,k2 each counted 1..10
    assert isinstance(results[30], ResponseError) and "not an integer" in str(results[30])
    # The script was not loaded yet: NOSCRIPT for the first calls, one reload, one resend.
    assert loop.run_until_complete(client.script_exists(script.sha)) == [True]
    # 31 concurrent calls went out as a pipeline or two, not one connection each.
    assert connections <= 4


def test_a_lost_connection_fails_every_waiting_call(
    valkey: DurableValkey, client: Redis, loop: asyncio.AbstractEventLoop
) -> None:
    batcher = ScriptBatcher(client)
    script = client.register_script(INCR)
    assert loop.run_until_complete(batcher.run(script, keys=["a"], args=[])) == 1
    valkey.kill()

    async def work() -> list[Any]:
        calls = [batcher.run(script, keys=["a"], args=[]) for _ in range(5)]
        return list(await asyncio.gather(*calls, return_exceptions=True))

    results = loop.run_until_complete(work())
    assert len(results) == 5 and all(isinstance(r, RedisConnectionError) for r in results)
