"""Real codes and search services wired to a real valkey-server, for the event tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from medcode_codes.settings import CodesSettings
from medcode_codes.testing_live import LiveCodesThread
from medcode_common.events import EventBus, EventSettings, create_bus
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread


def bus_to(url: str) -> Callable[[], EventBus]:
    """A bus factory for the test's valkey-server."""
    return lambda: create_bus(EventSettings(redis_url=url))


@contextmanager
def running(data_dir: Path, index_dir: Path, bus_url: str) -> Iterator[tuple[str, SearchThread]]:
    """A hot-reloading codes service and a search service consuming events, both on loopback.

    The search service's fallback poll is an hour, so only events can trigger a rebuild.
    """
    codes = LiveCodesThread(
        CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir, reload_seconds=0.1),
        bus_factory=bus_to(bus_url),
    )
    codes.start()
    search = SearchThread(
        SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=index_dir,
            refresh_seconds=3600,
        ),
        bus_factory=bus_to(bus_url),
    )
    try:
        search.start()
        try:
            yield f"127.0.0.1:{search.port}", search
        finally:
            search.stop()
    finally:
        codes.stop()
