"""The transactional outbox: events are rows written with the change that caused them."""

from __future__ import annotations

import uuid
from datetime import datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.orm import Session

from medcode.events.v1 import events_pb2
from medcode_accounts.models import OutboxEvent

USER_REGISTERED = events_pb2.UserRegistered.DESCRIPTOR.full_name
"""Event type on the bus (stream/topic `<prefix>medcode.events.v1.UserRegistered`)."""


def add_event(
    session: Session, *, message: Message, key: str, now: datetime, schema_version: int = 1
) -> str:
    """Stage `message` in the session's transaction; return the event id it will carry.

    The envelope (with its id) is built now, so a republish after a crash carries the same
    id and consumers' IdempotentHandler drops the duplicate.
    """
    event_id = str(uuid.uuid4())
    event_type = message.DESCRIPTOR.full_name
    when = Timestamp()
    when.FromDatetime(now)
    envelope = events_pb2.EventEnvelope(
        id=event_id,
        type=event_type,
        time=when,
        schema_version=schema_version,
        payload=message.SerializeToString(),
    )
    session.add(
        OutboxEvent(
            event_id=event_id,
            event_type=event_type,
            partition_key=key,
            envelope=envelope.SerializeToString(),
            created_at=now,
        )
    )
    return event_id
