"""Revoked API keys stop working at once on every gateway process.

The accounts service announces each revocation (`ApiKeyRevoked`, by its owner, by an operator
with `medcode accounts revoke-key`, or because the owner left the key plans). Each process
listens in a consumer group of its own, since every replica and worker must hear it, and
drops the key from its verified-key cache, instead of trusting the cache until it expires.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable

from medcode.events.v1 import events_pb2
from medcode_common.events import Event, EventBus, EventConsumer
from medcode_gateway.auth.api_keys import ApiKeyVerifier

log = logging.getLogger(__name__)

API_KEY_REVOKED = events_pb2.ApiKeyRevoked.DESCRIPTOR.full_name


def revocation_group() -> str:
    """A consumer group of this app alone (two apps in one process each need every event)."""
    return f"gateway-keys-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class KeyRevocationListener:
    """Forgets each revoked key in `verifier`, on the event loop that owns it."""

    def __init__(
        self,
        *,
        verifier: ApiKeyVerifier,
        loop: asyncio.AbstractEventLoop,
        bus_factory: Callable[[], EventBus],
        group: str,
    ) -> None:
        self._verifier = verifier
        self._loop = loop
        self.forgotten = 0
        self._consumer = EventConsumer(
            bus_factory=bus_factory, group=group, types=[API_KEY_REVOKED], handler=self._handle
        )

    def _handle(self, event: Event) -> None:
        revoked = event.decode(events_pb2.ApiKeyRevoked)
        if not revoked.key_id:
            log.warning("ApiKeyRevoked %s names no key; skipped", event.id)
            return
        # The cache belongs to the loop's thread: forget there, and acknowledge only after.
        future = asyncio.run_coroutine_threadsafe(self._forget(revoked.key_id), self._loop)
        dropped = future.result(timeout=10)
        log.info("API key %s revoked; dropped %d cached verification(s)", revoked.key_id, dropped)

    async def _forget(self, key_id: str) -> int:
        self.forgotten += 1
        return self._verifier.forget(key_id)

    def start(self) -> KeyRevocationListener:
        """Start listening."""
        self._consumer.start()
        return self

    def stop(self) -> None:
        """Stop listening (after the current poll)."""
        self._consumer.stop()
