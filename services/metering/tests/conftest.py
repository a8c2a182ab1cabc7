"""Shared fixtures: a real durable valkey-server per test, an event loop, a settable clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from medcode_metering.testing import DurableValkey

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def valkey(tmp_path: Path) -> Iterator[DurableValkey]:
    server = DurableValkey(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One loop per test: redis.asyncio pools are bound to the loop that created them."""
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()
