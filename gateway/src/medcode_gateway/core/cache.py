"""A bounded, time-limited cache of rendered lookup responses.

A code's rendered record changes only when the codes service serves new or corrected data;
the gateway clears its caches when that is announced (`freshness`), and the TTL bounds the
lag when an announcement is missed. This turns a repeat lookup from a gRPC round trip into a
dictionary read.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable


class ResponseCache:
    """LRU of response bodies with a per-entry expiry; `ttl_seconds == 0` disables it."""

    def __init__(self, *, max_entries: int, ttl_seconds: float) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        #: Bumped by `clear`: an answer fetched before a clear is not stored after it.
        self.generation = 0

    @property
    def enabled(self) -> bool:
        """False when configured off."""
        return self._ttl > 0 and self._max_entries > 0

    def get(self, key: Hashable) -> bytes | None:
        """The cached body for `key`, or None when absent or expired."""
        found = self._entries.get(key)
        if found is None:
            return None
        expires, body = found
        if expires < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes, *, generation: int | None = None) -> None:
        """Remember `body` for `key`, evicting the least recently used entry when full.

        `generation` is `self.generation` when the answer was fetched: a clear since then
        means the answer may be stale, so it is not stored."""
        if not self.enabled or (generation is not None and generation != self.generation):
            return
        self._entries[key] = (time.monotonic() + self._ttl, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry, and every answer being fetched now."""
        self._entries.clear()
        self.generation += 1

    def __len__(self) -> int:
        return len(self._entries)
