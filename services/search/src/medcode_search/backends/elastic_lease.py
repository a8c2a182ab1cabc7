"""One builder per index: a lease document in Elasticsearch that a pod holds while it builds.

Every search pod may read the alias, but only the pod holding the lease builds and swaps an
index. The lease is one document, created with `op_type=create` (only one create of an id
succeeds), naming its holder, the release set it builds and when it expires. The holder
renews it while it builds and deletes it when done; every write after the create is
conditional on the sequence number it last saw, so a holder that stalled past its expiry and
was replaced finds out (`LeaseLost`) instead of overwriting its successor. A lease whose
holder died expires, and the next pod to try takes it over with the same conditional write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from elasticsearch import ConflictError, Elasticsearch

log = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    """Another pod took the lease over: this one must not swap the alias."""


@dataclass(slots=True)
class Held:
    """A lease this pod holds: the release set it builds and its last write's position."""

    key: str
    seq_no: int
    primary_term: int
    expires_at: float


def lease_document(*, holder: str, key: str, now: float, seconds: float) -> dict[str, Any]:
    """The lease's body: who builds which release set, until when (epoch milliseconds)."""
    return {
        "holder": holder,
        "key": key,
        "renewed_at": _millis(now),
        "expires_at": _millis(now + seconds),
    }


def expired(source: dict[str, Any], now: float) -> bool:
    """Whether a lease body has run out (its holder stopped renewing: it died or stalled)."""
    return bool(int(source.get("expires_at", 0)) <= _millis(now))


def _millis(seconds: float) -> int:
    """Epoch milliseconds, rounded: truncating turned 1.001 s into 1000 ms, so a lease of one
    millisecond was expired the moment it was written."""
    return round(seconds * 1000)


class BuildLease:
    """The build lease of one alias, kept as document `<alias>` in index `<alias>-lease`."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        alias: str,
        holder: str,
        seconds: float,
        replicas: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self.index = f"{alias}-lease"
        self.name = alias
        self.holder = holder
        self.seconds = seconds
        self._replicas = replicas
        self._clock = clock
        self._lock = threading.Lock()  # renewals and the release never interleave
        self._index_ready = False

    def _ensure_index(self) -> None:
        """Create the lease index once (an existing one answers 400, which is fine)."""
        if not self._index_ready:
            self._client.options(ignore_status=400).indices.create(
                index=self.index,
                settings={"number_of_shards": 1, "number_of_replicas": self._replicas},
                mappings={"dynamic": False},
            )
            self._index_ready = True

    def _body(self, key: str) -> tuple[dict[str, Any], float]:
        now = self._clock()
        return lease_document(holder=self.holder, key=key, now=now, seconds=self.seconds), now

    def acquire(self, key: str) -> Held | None:
        """Take the lease to build `key`; None while another pod holds an unexpired lease."""
        self._ensure_index()
        body, now = self._body(key)
        try:
            created = self._client.create(index=self.index, id=self.name, document=body)
            return self._held(key, created.body, now)
        except ConflictError:
            pass
        found = self._client.options(ignore_status=404).get(index=self.index, id=self.name)
        if found.meta.status == 404:
            return None  # released in between: the next attempt creates it
        source = found.body.get("_source") or {}
        if not expired(source, now):
            log.info(
                "index build lease held by %s (building %s); following the alias",
                source.get("holder"),
                source.get("key"),
            )
            return None
        log.warning("index build lease of %s expired; taking it over", source.get("holder"))
        try:
            taken = self._client.index(
                index=self.index,
                id=self.name,
                document=body,
                if_seq_no=found.body["_seq_no"],
                if_primary_term=found.body["_primary_term"],
            )
        except ConflictError:
            return None  # another pod took it over first
        return self._held(key, taken.body, now)

    def _held(self, key: str, written: Any, now: float) -> Held:
        return Held(key, written["_seq_no"], written["_primary_term"], now + self.seconds)

    def renew(self, held: Held) -> None:
        """Push the expiry on; `LeaseLost` when another pod took the lease over meanwhile."""
        with self._lock:
            body, now = self._body(held.key)
            try:
                written = self._client.index(
                    index=self.index,
                    id=self.name,
                    document=body,
                    if_seq_no=held.seq_no,
                    if_primary_term=held.primary_term,
                ).body
            except ConflictError as error:
                raise LeaseLost(f"the index build lease of {self.name} was taken over") from error
            held.seq_no, held.primary_term = written["_seq_no"], written["_primary_term"]
            held.expires_at = now + self.seconds

    def release(self, held: Held) -> None:
        """Delete the lease if it is still this pod's (a successor's lease stays)."""
        with self._lock:
            self._client.options(ignore_status=(404, 409)).delete(
                index=self.index,
                id=self.name,
                if_seq_no=held.seq_no,
                if_primary_term=held.primary_term,
            )
