"""Pytest fixtures: a real accounts service on loopback with a temp database (pytest11).

The gateway's tests use `accounts_address`; its events go to a throwaway valkey-server and
its mail, over SMTP, to a real SMTP sink (`accounts_mail_sink`), where a test reads the
confirmation link of a sign-up as a person would.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest

from medcode_accounts.bootstrap import Clock, utc_now
from medcode_accounts.mail_sink import read_messages, start_sink
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


class MailSinkThread(LoopThread):
    """The SMTP sink on its own loop: every message it receives lands in `directory`."""

    name = "mail-sink"

    def __init__(self, directory: Path, **smtp: Any) -> None:
        super().__init__()
        self.directory = directory
        self._smtp = smtp
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def startup(self) -> None:
        self._server = await start_sink(self.directory, **self._smtp)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        """Messages received so far (to one address, compared case-insensitively), oldest first."""
        found = read_messages(self.directory)
        if to is None:
            return found
        wanted = to.strip().lower()
        return [m for m in found if parseaddr(str(m["To"]))[1].lower() == wanted]

    def wait_for(self, to: str, *, count: int = 1, timeout: float = 60.0) -> EmailMessage:
        """The `count`-th message to `to`, once it arrived (a generous deadline, not a timing)."""
        deadline = time.monotonic() + timeout
        while len(found := self.messages(to)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no message {count} to {to} within {timeout:.0f}s")
            time.sleep(0.05)
        return found[count - 1]

    def confirmation_token(self, to: str, *, count: int = 1) -> str:
        """The token of the link in the `count`-th message to `to`, once it arrived."""
        return confirmation_token(self.wait_for(to, count=count))


_TOKEN = re.compile(r"[?&]token=(mcc_[A-Za-z0-9_-]+)")


def confirmation_token(message: EmailMessage) -> str:
    """The token of the confirmation link in `message` (AssertionError when there is none)."""
    body = message.get_body(("plain",))
    found = _TOKEN.search(body.get_content() if body is not None else "")
    assert found, f"no confirmation link in {message['Subject']!r}"
    return found.group(1)


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


@dataclass
class StartedAccounts:
    """An accounts service of a test's own and the SMTP sink it mails to."""

    address: str
    mail: MailSinkThread


StartAccounts = Callable[..., StartedAccounts]


@pytest.fixture
def start_accounts_service(tmp_path: Path) -> Iterator[StartAccounts]:
    """Start accounts services with settings of a test's own (production argon2, own sink);
    other packages' tests use it to try limits the session service does not have."""
    started: list[tuple[AccountsThread, MailSinkThread]] = []

    def start(**overrides: object) -> StartedAccounts:
        folder = tmp_path / f"accounts-{len(started)}"
        sink = MailSinkThread(folder / "mail")
        sink.start()
        overrides.setdefault("publish_events", False)
        server = AccountsThread(
            loopback_settings(folder / "data", smtp_addr=sink.address, **overrides)
        )
        server.start()
        started.append((server, sink))
        return StartedAccounts(server.address, sink)

    yield start
    for server, sink in reversed(started):
        server.stop()
        sink.stop()


@pytest.fixture(scope="session")
def accounts_mail_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailSinkThread]:
    """The SMTP sink the session accounts service sends its mail to."""
    sink = MailSinkThread(tmp_path_factory.mktemp("mail"))
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def accounts_address(
    accounts_data_dir: Path, accounts_events_url: str, accounts_mail_sink: MailSinkThread
) -> Iterator[str]:
    """host:port of a real accounts service (temp SQLite, events to its own valkey-server,
    mail to `accounts_mail_sink`). Every test signs up from loopback or one test network, so
    the per-network sign-up limit is lifted here; its own tests use a server of their own."""
    settings = loopback_settings(
        accounts_data_dir, smtp_addr=accounts_mail_sink.address, signup_max_per_network=100_000
    )
    server = AccountsThread(settings, event_settings=EventSettings(redis_url=accounts_events_url))
    server.start()
    yield server.address
    server.stop()
