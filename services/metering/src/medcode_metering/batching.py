"""Send the script calls of one event-loop tick to Redis as one pipeline (auto-pipelining).

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
    """Coalesces concurrent EVALSHA calls; reloads a script the server lost (NOSCRIPT) once."""

    def __init__(self, redis: Redis, *, max_batch: int = 256) -> None:
        self._redis = redis
        self._max_batch = max_batch
        self._pending: list[_Call] = []
        self._sending: set[asyncio.Task[None]] = set()
        self._in_flight = 0

    async def run(
        self, script: AsyncScript, *, keys: Sequence[str], args: Sequence[str | int]
    ) -> Any:
        """Run `script` with `keys` and `args` in the next batch; return its reply."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        call = _Call(script, keys, args, future)
        if self._in_flight == 0 and not self._pending:
            await self._send([call], reload=True)  # idle: no one to wait for, send at once
            return await future
        self._pending.append(call)
        if len(self._pending) >= self._max_batch:
            self._flush()
        elif len(self._pending) == 1:
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.ensure_future(self._send(batch, reload=True))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Call], *, reload: bool) -> None:
        self._in_flight += 1
        try:
            replies = await self._execute(batch)
        except Exception as error:  # connection lost or timed out: every caller gets it
            for call in batch:
                _fail(call, error)
            return
        finally:
            self._in_flight -= 1
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
