"""FHIR `version` parameters as MedCode release selectors, and the loaded releases."""

from __future__ import annotations

from collections import defaultdict

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import PROTO_TO_SYSTEM, System
from medcode_gateway.core.clients import ServiceClients


def release_selector(version: str | None) -> pb.ReleaseSelector:
    """The release a FHIR version names (a release id such as 2026-04-01); the newest when
    no version is given."""
    return pb.ReleaseSelector(release=(version or "").strip())


async def releases_by_system(clients: ServiceClients) -> dict[System, list[pb.Release]]:
    """Every loaded release, newest first, per served system."""
    reply = await clients.codes.ListReleases(pb.ListReleasesRequest(), timeout=clients.timeout)
    found: dict[System, list[pb.Release]] = defaultdict(list)
    for release in reply.releases:
        system = PROTO_TO_SYSTEM.get(release.system)
        if system is not None:
            found[system].append(release)
    return dict(found)
