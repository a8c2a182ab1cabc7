"""The outbox backlog: events written but not yet on the bus (grows while the bus is down)."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from medcode_accounts.database import Database
from medcode_accounts.models import OutboxEvent

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
