"""What this installation has loaded, as pages show it: one entry per code system."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import PROTO_TO_SYSTEM, System, parse_system
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem

#: The order systems are listed in on every page.
SYSTEM_ORDER = (System.ICD10CM, System.ICD10PCS, System.HCPCS, System.CPT)


@dataclass(frozen=True, slots=True)
class LoadedSystem:
    """A code system's newest loaded release and its older ones."""

    system: System
    release: str
    effective_date: str
    code_count: int
    billable_count: int
    older: tuple[pb.Release, ...] = ()

    @property
    def label(self) -> str:
        """How coders write the system's name, e.g. ICD-10-CM."""
        return self.system.label


async def loaded_releases(clients: ServiceClients) -> list[pb.Release]:
    """Every loaded release, newest first within each system."""
    reply = await clients.codes.ListReleases(pb.ListReleasesRequest(), timeout=clients.timeout)
    return list(reply.releases)


async def loaded_systems(clients: ServiceClients) -> list[LoadedSystem]:
    """The loaded code systems in the site's order, each with its newest release."""
    by_system: dict[System, list[pb.Release]] = {}
    for release in await loaded_releases(clients):
        system = PROTO_TO_SYSTEM.get(release.system)
        if system is not None:
            by_system.setdefault(system, []).append(release)
    return [
        LoadedSystem(
            system=system,
            release=newest.release,
            effective_date=newest.effective_date,
            code_count=newest.code_count,
            billable_count=newest.billable_count,
            older=tuple(rest),
        )
        for system in SYSTEM_ORDER
        if system in by_system
        for newest, *rest in [by_system[system]]
    ]


def system_named(name: str) -> System:
    """The system a URL names, or a 404 that lists the names there are."""
    try:
        return parse_system(name)
    except ValueError as error:
        raise Problem(404, str(error)) from None


def code_path(system: str, code: str) -> str:
    """The site path of a code's page."""
    return f"/codes/{quote(system, safe='')}/{quote(code, safe='')}"
