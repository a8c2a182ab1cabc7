"""A bounded, time-limited cache of rendered lookup responses.

Releases are immutable, so a code's rendered record only changes when a newer release
becomes the default; the TTL bounds how long a default-release answer can lag that switch.
This turns a repeat lookup from a gRPC round trip into a dictionary read.
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

    def put(self, key: Hashable, body: bytes) -> None:
        """Remember `body` for `key`, evicting the least recently used entry when full."""
        if not self.enabled:
            return
        self._entries[key] = (time.monotonic() + self._ttl, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
