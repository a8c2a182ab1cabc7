"""The outbox backlog gauge: rises while the broker is down, drains to zero when it is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import free_port

from .broker import FixedPortValkey
from .conftest import StartServer
from .test_outbox import wait_for

BACKLOG = "medcode_accounts_outbox_backlog"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[FixedPortValkey]:
    server = FixedPortValkey(free_port(), tmp_path / "valkey").start()
    yield server
    server.stop()


def test_the_backlog_counts_unpublished_events(
    start_server: StartServer, broker: FixedPortValkey
) -> None:
    server = start_server(
        event_settings=EventSettings(redis_url=broker.url), outbox_max_backoff_seconds=0.5
    )
    registry = server.runtime.registry
    publisher = server.runtime.publisher
    assert publisher is not None
    assert registry.get_sample_value(BACKLOG) == 0.0
    broker.stop()
    for i in range(3):
        server.sign_up(f"backlog{i}@example.com")
    wait_for(lambda: publisher.failures >= 1, "the publisher to notice the broker is down")
    assert registry.get_sample_value(BACKLOG) == 3.0
    broker.start()
    wait_for(lambda: registry.get_sample_value(BACKLOG) == 0.0, "the backlog to drain")
    assert publisher.published == 3
    rpc = {"service": "medcode.accounts.v1.AccountsService", "method": "Register", "code": "OK"}
    assert registry.get_sample_value("medcode_grpc_server_requests_total", rpc) == 3.0


def test_the_mail_backlog_counts_mail_the_relay_has_not_taken(
    start_server: StartServer, tmp_path: Path
) -> None:
    from medcode_accounts.bootstrap import utc_now
    from medcode_accounts.testing import MailSinkThread

    port = free_port()
    server = start_server(clock=utc_now, smtp_addr=f"127.0.0.1:{port}")
    registry = server.runtime.registry
    server.register("waiting@example.com")
    mailer = server.runtime.mailer
    assert mailer is not None
    wait_for(lambda: mailer.retried >= 1, "the relay to be found down")
    assert registry.get_sample_value("medcode_accounts_mail_backlog") == 1.0
    sink = MailSinkThread(tmp_path / "late", port=port)
    sink.start()
    try:
        wait_for(lambda: registry.get_sample_value("medcode_accounts_mail_backlog") == 0.0, "mail")
        assert sink.messages("waiting@example.com")
    finally:
        sink.stop()
