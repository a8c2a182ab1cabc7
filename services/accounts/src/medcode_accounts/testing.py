"""Pytest fixtures: a real accounts service on loopback with a temp database (pytest11).

The gateway's tests use `accounts_address`; its events go to a throwaway valkey-server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode_accounts.bootstrap import Clock, utc_now
from medcode_accounts.passwords import PasswordHashing
from medcode_accounts.server import AccountsRuntime
from medcode_accounts.settings import AccountsSettings
from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.loop_thread import LoopThread


class AccountsThread(LoopThread):
    """The accounts service on its own event loop; `start()` returns once it serves."""

    name = "accounts-server"

    def __init__(
        self,
        settings: AccountsSettings,
        *,
        event_settings: EventSettings | None = None,
        clock: Clock = utc_now,
        hashing: PasswordHashing | None = None,
    ) -> None:
        super().__init__()
        self._settings = settings
        self._event_settings = event_settings
        self._clock = clock
        self._hashing = hashing
        self.runtime: AccountsRuntime | None = None
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def startup(self) -> None:
        self.runtime = AccountsRuntime(
            self._settings,
            event_settings=self._event_settings,
            clock=self._clock,
            hashing=self._hashing,
        )
        self.port = self.runtime.port
        await self.runtime.start()

    async def shutdown(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()


def loopback_settings(data_dir: Path, **overrides: object) -> AccountsSettings:
    """Settings for a test or bench server: port 0 on 127.0.0.1, everything in `data_dir`."""
    return AccountsSettings(host="127.0.0.1", port=0, data_dir=data_dir, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def accounts_events_url() -> Iterator[str]:
    """URL of the valkey-server that receives the session accounts service's events."""
    with ValkeyServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def accounts_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data dir of the session accounts service (operator CLI commands take it as --data-dir)."""
    return tmp_path_factory.mktemp("accounts")


@pytest.fixture(scope="session")
def accounts_address(accounts_data_dir: Path, accounts_events_url: str) -> Iterator[str]:
    """host:port of a real accounts service (temp SQLite, events to its own valkey-server)."""
    server = AccountsThread(
        loopback_settings(accounts_data_dir),
        event_settings=EventSettings(redis_url=accounts_events_url),
    )
    server.start()
    yield server.address
    server.stop()
