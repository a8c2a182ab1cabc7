"""FHIR `version` parameters as MedCode release selectors, and the loaded releases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import PROTO_TO_SYSTEM, System
from medcode_gateway.core.clients import ServiceClients


def release_selector(version: str | None) -> pb.ReleaseSelector:
    """The release a FHIR version names (a release id such as 2026-04-01); the newest when
    no version is given."""
    return pb.ReleaseSelector(release=(version or "").strip())


def group_by_system(releases: Iterable[pb.Release]) -> dict[System, list[pb.Release]]:
    """Releases per served system, in the order given (the codes service lists newest first)."""
    found: dict[System, list[pb.Release]] = defaultdict(list)
    for release in releases:
        system = PROTO_TO_SYSTEM.get(release.system)
        if system is not None:
            found[system].append(release)
    return dict(found)


async def releases_by_system(clients: ServiceClients) -> dict[System, list[pb.Release]]:
    """Every loaded release, newest first, per served system, asked afresh (answers that
    run on every request use the cached `listings.releases_by_system`)."""
    reply = await clients.codes.ListReleases(pb.ListReleasesRequest(), timeout=clients.timeout)
    return group_by_system(reply.releases)
