"""Serve repeat code lookups from memory before they reach routing (a pure ASGI layer).

A code record is a pure function of (URL, the data the codes service serves): the cache is
cleared when that data changes (see `freshness`), and the TTL bounds any lag.
Only successful GET responses under the cached prefixes are stored; errors never are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode_gateway.core.cache import ResponseCache

_CACHE_HEADER = b"x-cache"


class LookupCacheMiddleware:
    """Answer cache hits directly; record 200 responses of cacheable GETs on the way out."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: ResponseCache,
        prefixes: Sequence[str],
        skip: re.Pattern[str] | None = None,
    ) -> None:
        self._app = app
        self._cache = cache
        self._prefixes = tuple(prefixes)
        self._skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not self._cache.enabled
            or not scope["path"].startswith(self._prefixes)
            or (self._skip is not None and self._skip.match(scope["path"]))
        ):
            await self._app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        cached = self._cache.get(key)
        if cached is not None:
            await self._replay(cached, send)
            return
        recorder = _Recorder(send, self._cache, key, self._cache.generation)
        await self._app(scope, receive, recorder)

    @staticmethod
    async def _replay(cached: bytes, send: Send) -> None:
        content_type, _, body = cached.partition(b"\n")
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (_CACHE_HEADER, b"hit"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _Recorder:
    """An ASGI `send` that forwards everything and keeps a copy of a 200 response."""

    def __init__(
        self, send: Send, cache: ResponseCache, key: tuple[str, bytes], generation: int
    ) -> None:
        self._send = send
        self._cache = cache
        self._key = key
        self._generation = generation
        self._content_type: bytes | None = None
        self._chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if message["status"] == 200:
                self._content_type = dict(headers).get(b"content-type")
            message = {**message, "headers": [*headers, (_CACHE_HEADER, b"miss")]}
        elif message["type"] == "http.response.body" and self._content_type is not None:
            self._chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                body = self._content_type + b"\n" + b"".join(self._chunks)
                self._cache.put(self._key, body, generation=self._generation)
        await self._send(message)
