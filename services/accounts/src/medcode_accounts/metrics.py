"""Backlogs and refusals: events not yet on the bus, mail not yet sent (each grows while its
destination is down), and sign-ins refused because the password pool was full."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from medcode_accounts.database import Database
from medcode_accounts.mail_outbox import unsent_mails
from medcode_accounts.models import OutboxEvent
from medcode_accounts.password_pool import PasswordWorkPool

log = logging.getLogger(__name__)


def unpublished_events(db: Database) -> int:
    """How many outbox rows wait for the publisher."""
    with db.read() as session:
        query = select(func.count()).select_from(OutboxEvent)
        return int(session.scalar(query.where(OutboxEvent.published_at.is_(None))) or 0)


def watch_outbox(registry: CollectorRegistry, db: Database) -> None:
    """`medcode_accounts_outbox_backlog`, counted in the database at each scrape."""

    def backlog() -> float:
        try:
            return float(unpublished_events(db))
        except SQLAlchemyError as error:  # a scrape must not fail with the database
            log.warning("cannot count the outbox backlog: %r", error)
            return float("nan")

    Gauge(
        "medcode_accounts_outbox_backlog",
        "Outbox events not yet published to the event bus.",
        registry=registry,
    ).set_function(backlog)


def watch_mail(registry: CollectorRegistry, db: Database) -> None:
    """`medcode_accounts_mail_backlog`, counted in the database at each scrape."""

    def backlog() -> float:
        try:
            return float(unsent_mails(db))
        except SQLAlchemyError as error:
            log.warning("cannot count the mail backlog: %r", error)
            return float("nan")

    Gauge(
        "medcode_accounts_mail_backlog",
        "Mail in the outbox not yet taken by the SMTP relay (and not given up).",
        registry=registry,
    ).set_function(backlog)


def watch_password_pool(registry: CollectorRegistry, pool: PasswordWorkPool) -> None:
    """`medcode_accounts_password_refused_total`: sign-ups and sign-ins turned away as busy."""
    registry.register(_RefusedCollector(pool))


class _RefusedCollector(Collector):
    """Reads the pool's own count at each scrape (the pool is built before the registry)."""

    def __init__(self, pool: PasswordWorkPool) -> None:
        self._pool = pool

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "medcode_accounts_password_refused",
            "Sign-ups and sign-ins refused because the password pool and its queue were full.",
        )
        family.add_metric([], self._pool.refused)
        yield family
