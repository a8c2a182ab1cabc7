"""The gateway's response cache: bounded, expiring, and off when configured off."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.core.cache import ResponseCache


def test_hit_miss_and_expiry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    cache = ResponseCache(max_entries=10, ttl_seconds=60)
    assert cache.get("a") is None
    cache.put("a", b"1")
    assert cache.get("a") == b"1"
    now[0] += 61
    assert cache.get("a") is None
    assert len(cache) == 0


def test_disabled_cache_stores_nothing() -> None:
    cache = ResponseCache(max_entries=10, ttl_seconds=0)
    cache.put("a", b"1")
    assert cache.get("a") is None


@given(st.lists(st.integers(min_value=0, max_value=30), max_size=200), st.integers(1, 8))
def test_never_exceeds_bound_and_keeps_most_recent(keys: list[int], bound: int) -> None:
    cache = ResponseCache(max_entries=bound, ttl_seconds=3600)
    for key in keys:
        cache.put(key, str(key).encode())
        assert len(cache) <= bound
    if keys:
        assert cache.get(keys[-1]) == str(keys[-1]).encode()


def test_a_clear_drops_entries_and_answers_fetched_before_it() -> None:
    cache = ResponseCache(max_entries=10, ttl_seconds=60)
    cache.put("a", b"old")
    fetching = cache.generation  # a request starts fetching "b" ...
    cache.clear()  # ... a corrected release is announced meanwhile ...
    cache.put("b", b"stale", generation=fetching)  # ... and its answer arrives afterwards
    assert cache.get("a") is None and cache.get("b") is None and len(cache) == 0
    cache.put("b", b"fresh", generation=cache.generation)
    assert cache.get("b") == b"fresh"
