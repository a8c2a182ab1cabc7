"""Send script calls that arrive while one is in flight as one pipeline (auto-pipelining).

Under load many RPCs wait on Redis at once; one round trip and one pooled connection for all
of them costs far less CPU than one each. Every EVALSHA stays atomic on its own: a
non-transactional pipeline only shares the socket write and the read of the replies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError


@dataclass(frozen=True, slots=True)
class _Call:
    script: AsyncScript
    keys: Sequence[str]
    args: Sequence[str | int]
    future: asyncio.Future[Any]


class ScriptBatcher:
    """Coalesces concurrent EVALSHA calls; reloads a script the server lost (NOSCRIPT) once.

    One pipeline is in flight at a time; calls arriving meanwhile wait and go out together as
    the next one (the multiplexing of ioredis or StackExchange.Redis). An idle batcher sends a
    lone call at once, so light load pays no extra latency.
    """

    def __init__(self, redis: Redis, *, max_batch: int = 256) -> None:
        self._redis = redis
        self._max_batch = max_batch
        self._pending: list[_Call] = []
        self._busy = False
        self._drains: set[asyncio.Task[None]] = set()

    async def run(
        self, script: AsyncScript, *, keys: Sequence[str], args: Sequence[str | int]
    ) -> Any:
        """Run `script` with `keys` and `args` in the next batch; return its reply."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        call = _Call(script, keys, args, future)
        if self._busy:
            self._pending.append(call)
            return await future
        self._busy = True
        try:
            await self._send([call], reload=True)
        finally:
            if self._pending:
                task = asyncio.ensure_future(self._drain())
                self._drains.add(task)
                task.add_done_callback(self._drains.discard)
            else:
                self._busy = False
        return await future

    async def _drain(self) -> None:
        """Send what queued up while a batch was in flight, until nothing is left."""
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._send(batch, reload=True)
        finally:
            self._busy = False

    async def _send(self, batch: list[_Call], *, reload: bool) -> None:
        try:
            replies = await self._execute(batch)
        except Exception as error:  # connection lost or timed out: every caller gets it
            for call in batch:
                _fail(call, error)
            return
        missing = []
        for call, reply in zip(batch, replies, strict=True):
            if isinstance(reply, NoScriptError) and reload:
                missing.append(call)
            elif isinstance(reply, Exception):
                _fail(call, reply)
            elif not call.future.done():
                call.future.set_result(reply)
        if missing:
            try:  # the server restarted and lost its script cache
                for script in {id(call.script): call.script for call in missing}.values():
                    await self._redis.script_load(script.script)
            except Exception as error:
                for call in missing:
                    _fail(call, error)
                return
            await self._send(missing, reload=False)

    async def _execute(self, batch: list[_Call]) -> list[Any]:
        if len(batch) == 1:  # nothing to coalesce: skip the pipeline's bookkeeping
            call = batch[0]
            try:
                reply = await self._redis.evalsha(  # type: ignore[misc]
                    call.script.sha, len(call.keys), *call.keys, *call.args
                )
            except NoScriptError as error:
                return [error]
            return [reply]
        pipe = self._redis.pipeline(transaction=False)
        for call in batch:
            pipe.evalsha(call.script.sha, len(call.keys), *call.keys, *call.args)
        return list(await pipe.execute(raise_on_error=False))


def _fail(call: _Call, error: BaseException) -> None:
    if not call.future.done():
        call.future.set_exception(error)
