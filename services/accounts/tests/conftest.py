"""Accounts test fixtures: real servers on loopback over temp SQLite files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from argon2 import PasswordHasher

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode_accounts.passwords import PasswordHashing
from medcode_accounts.server import AccountsRuntime
from medcode_accounts.testing import (
    AccountsThread,
    MailSinkThread,
    confirmation_token,
    loopback_settings,
)
from medcode_common import service_auth
from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.service_auth import ACCOUNTS, CLI, GATEWAY

PASSWORD = "plum tree 1987 sailing"


class ManualClock:
    """A clock the test moves by hand, so windows and expiries need no sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def cheap_hashing() -> PasswordHashing:
    """argon2id with small parameters: the same code path, a fraction of the CPU."""
    return PasswordHashing(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


class Running:
    """A started server, its stub, its clock and the SMTP sink it mails to."""

    def __init__(self, thread: AccountsThread, clock: ManualClock, mail: MailSinkThread) -> None:
        self.thread = thread
        self.clock = clock
        self.mail = mail
        self.channel = service_auth.channel(thread.address, identity=GATEWAY, audience=ACCOUNTS)
        self.stub = pb_grpc.AccountsServiceStub(self.channel)
        # The operator's CLI: the only caller that may manage operator (ownerless) keys.
        self.operator_channel = service_auth.channel(
            thread.address, identity=CLI, audience=ACCOUNTS
        )
        self.operator = pb_grpc.AccountsServiceStub(self.operator_channel)

    @property
    def runtime(self) -> AccountsRuntime:
        assert self.thread.runtime is not None
        return self.thread.runtime

    def register(self, email: str, password: str = PASSWORD, **fields: str) -> pb.RegisterResponse:
        return self.stub.Register(
            pb.RegisterRequest(email=email, password=password, **fields), timeout=30
        )

    def confirm(self, token: str) -> pb.ConfirmEmailResponse:
        return self.stub.ConfirmEmail(pb.ConfirmEmailRequest(token=token), timeout=30)

    def link_token(self, email: str, *, count: int = 1) -> str:
        """The token of the `count`-th mail to `email`, once the sink received it."""
        return confirmation_token(self.mail.wait_for(email, count=count))

    def sign_up(self, email: str, password: str = PASSWORD, **fields: str) -> pb.LoginResponse:
        """Register, open the mailed link and sign in: a confirmed user with a session."""
        before = len(self.mail.messages(email))
        self.register(email, password, **fields)
        self.confirm(self.link_token(email, count=before + 1))
        return self.stub.Login(pb.LoginRequest(email=email, password=password), timeout=30)

    def close(self) -> None:
        """Stop the server (again is fine: a test may restart on the same data)."""
        if self.thread.runtime is None:
            return
        self.channel.close()
        self.operator_channel.close()
        self.thread.stop()
        self.thread.runtime = None


StartServer = Callable[..., Running]


@pytest.fixture(scope="session")
def events_url() -> Iterator[str]:
    """A valkey-server shared by the tests whose events nobody inspects."""
    with ValkeyServer() as server:
        yield server.url


@pytest.fixture
def mail_sink(tmp_path: Path) -> Iterator[MailSinkThread]:
    """A real SMTP sink of this test's own (so no test reads another's mail)."""
    sink = MailSinkThread(tmp_path / "mail")
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def start_server(
    tmp_path: Path, events_url: str, mail_sink: MailSinkThread
) -> Iterator[StartServer]:
    """Start accounts servers on `tmp_path` (restartable on the same data); stopped at the end."""
    started: list[Running] = []

    def start(
        *,
        clock: ManualClock | None = None,
        hashing: PasswordHashing | None = None,
        event_settings: EventSettings | None = None,
        data_dir: Path | None = None,
        **overrides: object,
    ) -> Running:
        clock = clock or ManualClock()
        overrides.setdefault("smtp_addr", mail_sink.address)
        settings = loopback_settings(data_dir or tmp_path / "accounts", **overrides)
        thread = AccountsThread(
            settings,
            event_settings=event_settings or EventSettings(redis_url=events_url),
            clock=clock,
            hashing=hashing or cheap_hashing(),
        )
        thread.start()
        running = Running(thread, clock, mail_sink)
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        running.close()


@pytest.fixture
def server(start_server: StartServer) -> Running:
    """One accounts server with a manual clock."""
    return start_server()


def code_of(call: Callable[[], object]) -> tuple[grpc.StatusCode, str]:
    """The status code and message of a call that must fail."""
    with pytest.raises(grpc.RpcError) as failure:
        call()
    error = failure.value
    return error.code(), error.details()  # type: ignore[attr-defined]
