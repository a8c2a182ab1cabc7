"""Announce releases on the event bus (`ReleasePublished`), best effort.

Code-set releases and reference data sets are both announced, each with the digest of its
sources, so consumers (the search index, the gateway's caches) can tell what changed and
drop exactly what a new or corrected import makes stale.

The codes service is the source of truth and must keep serving when the bus is down, so a
failed publish is logged and dropped: consumers also poll, and catch up on their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from medcode.events.v1 import events_pb2
from medcode_codes.data_files import Loaded
from medcode_codes.datasets import kinds
from medcode_common.events import EventBus, create_bus

log = logging.getLogger(__name__)

RELEASE_PUBLISHED = events_pb2.ReleasePublished.DESCRIPTOR.full_name
CODE_SET = "code_set"
DATASET = "dataset"
#: (CODE_SET or DATASET, system or data-set kind, release name): one servable release.
ReleaseKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True, order=True)
class Announcement:
    """One release being served, as announced: what it is, its digest, whom it concerns."""

    kind: str
    name: str
    release: str
    content_digest: str
    effective_date: str
    systems: tuple[str, ...]
    replaced: bool = False

    @property
    def key(self) -> ReleaseKey:
        """Which release this is, whatever files it was built from."""
        return self.kind, self.name, self.release

    def as_replacement(self) -> Announcement:
        """The same release, marked as replacing other files under its name."""
        return replace(self, replaced=True)

    def message(self) -> events_pb2.ReleasePublished:
        """The event payload."""
        code_set = self.kind == CODE_SET
        return events_pb2.ReleasePublished(
            system=self.name if code_set else "",
            release=self.release,
            kind=events_pb2.RELEASE_KIND_CODE_SET if code_set else events_pb2.RELEASE_KIND_DATASET,
            dataset_kind="" if code_set else self.name,
            content_digest=self.content_digest,
            replaced=self.replaced,
            systems=self.systems,
            effective_date=self.effective_date,
        )


def served(loaded: Loaded) -> dict[ReleaseKey, Announcement]:
    """Every code-set release and data set in `loaded`, by release."""
    found = [
        Announcement(
            CODE_SET,
            s.meta.system,
            s.meta.release,
            s.meta.source_digest,
            s.meta.effective_date.isoformat(),
            (s.meta.system,),
        )
        for s in loaded.catalog.all()
    ]
    found += [
        Announcement(
            DATASET,
            d.meta.kind,
            d.meta.release,
            d.meta.source_digest,
            d.meta.effective_date.isoformat(),
            kinds.SYSTEMS.get(d.meta.kind, ()),
        )
        for d in loaded.datasets.all()
    ]
    return {announcement.key: announcement for announcement in found}


class ReleasePublisher:
    """Publishes one ReleasePublished per announcement; never raises."""

    def __init__(self, bus_factory: Callable[[], EventBus] = create_bus) -> None:
        self._bus_factory = bus_factory
        self._bus: EventBus | None = None
        self.published = 0

    def _publish_all(self, announcements: list[Announcement]) -> None:
        for announcement in announcements:
            name, release = announcement.name, announcement.release
            try:
                self._bus = self._bus or self._bus_factory()
                message = announcement.message()
                event_id = self._bus.publish(RELEASE_PUBLISHED, message, key=name)
            except Exception as error:  # the bus is down or misconfigured: keep serving
                log.warning(
                    "could not publish ReleasePublished %s %s (event bus: %r)", name, release, error
                )
                continue
            self.published += 1
            log.info("published ReleasePublished %s %s (event %s)", name, release, event_id)

    async def publish(self, announcements: Iterable[Announcement]) -> None:
        """Publish on a worker thread (bus calls block) and wait for it."""
        chosen = sorted(announcements)
        if chosen:
            await asyncio.to_thread(self._publish_all, chosen)

    def close(self) -> None:
        """Release the bus connection."""
        if self._bus is not None:
            self._bus.close()
            self._bus = None
