"""Pytest fixtures: a real valkey-server and the real metering service on loopback (pytest11).

The gateway's tests use `metering_address` to enforce allowances against the real service.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import ValkeyServer, free_port
from medcode_common.health_probe import redis_pong
from medcode_common.loop_thread import LoopThread
from medcode_metering.embedded_valkey import valkey_command
from medcode_metering.server import MeteringRuntime
from medcode_metering.settings import MeteringSettings


class DurableValkey:
    """valkey-server on a fixed port and dir, fsyncing every write; killable and restartable."""

    def __init__(self, directory: Path, *, start_timeout: float = 15.0) -> None:
        self.port = free_port()
        self.directory = directory
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """redis:// URL of the server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> DurableValkey:
        """Start (or restart) on the same port and dir; returns once it answers PING."""
        argv = valkey_command(port=self.port, directory=self.directory, appendfsync="always")
        self._process = subprocess.Popen(
            [*argv, "--logfile", str(self.directory / "valkey.log")], stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + self._start_timeout
        while not redis_pong(f"127.0.0.1:{self.port}", timeout=0.5):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"valkey-server on {self.port} did not start")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        """SIGKILL, not SHUTDOWN: durability must come from fsync, not from a clean exit."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


class MeteringThread(LoopThread):
    """The metering service on its own event loop; `start()` returns once it serves."""

    name = "metering-server"

    def __init__(
        self,
        settings: MeteringSettings,
        *,
        event_settings: EventSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._settings = settings
        self._event_settings = event_settings
        self._clock = clock
        self.runtime: MeteringRuntime | None = None
        self.port = 0

    @property
    def address(self) -> str:
        """host:port of the running service."""
        return f"127.0.0.1:{self.port}"

    async def startup(self) -> None:
        self.runtime = MeteringRuntime(
            self._settings, event_settings=self._event_settings, clock=self._clock
        )
        self.port = self.runtime.port
        await self.runtime.start()

    async def shutdown(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()


def loopback_settings(redis_url: str, **overrides: object) -> MeteringSettings:
    """Settings for a test or bench server: port 0 on 127.0.0.1, store at `redis_url`."""
    return MeteringSettings(host="127.0.0.1", port=0, redis_url=redis_url, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def metering_redis_url() -> Iterator[str]:
    """URL of a session-wide real valkey-server (throwaway: nothing persisted)."""
    with ValkeyServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def metering_address(metering_redis_url: str) -> Iterator[str]:
    """host:port of the real metering service on `metering_redis_url` (events there too)."""
    server = MeteringThread(
        loopback_settings(metering_redis_url),
        event_settings=EventSettings(redis_url=metering_redis_url),
    )
    server.start()
    yield server.address
    server.stop()
