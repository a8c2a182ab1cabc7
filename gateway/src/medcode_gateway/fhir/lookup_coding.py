"""Which concept an operation is about: code and system, a Coding, or an instance's system,
read the same way by $lookup and $validate-code.

FHIR names a concept several ways (`code`+`system`, `coding`, the CodeSystem in the URL,
a `version` or a `coding.version`); this module turns any of them into one `CodingTarget`
or a 400 naming the parameter at fault, and checks a requested release against the loaded
ones so an unknown version is a clear not-found rather than an unknown code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import grpc

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.parameters import OperationInput
from medcode_gateway.fhir.systems import BY_ID, FhirCodeSystem, code_system_for
from medcode_gateway.fhir.versions import releases_by_system

#: A FHIR date with a day, optionally followed by a time (the time is not needed to pick a
#: release, so it is not checked further).
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(T.*)?")


@dataclass(frozen=True, slots=True)
class CodingTarget:
    """One concept to look up or validate, as the caller named it."""

    code_system: FhirCodeSystem
    code: str
    #: The release id asked for (FHIR version), or None for the newest.
    version: str | None = None
    #: ISO date (YYYY-MM-DD): the newest release effective then, when no version is given.
    as_of: str | None = None
    #: The display the caller sent with the code, to check against the official title.
    display: str | None = None

    def selector(self) -> pb.ReleaseSelector:
        """The release selector of the codes service for this target."""
        return pb.ReleaseSelector(release=self.version or "", as_of=self.as_of or "")


def as_of_date(value: str | None, *, parameter: str = "date") -> str | None:
    """The day (YYYY-MM-DD) a FHIR date or dateTime names, or a 400."""
    if value is None or not value.strip():
        return None
    matched = _DAY.fullmatch(value.strip())
    try:
        if matched is None:
            raise ValueError(value)
        return dt.date.fromisoformat(matched.group(1)).isoformat()
    except ValueError:
        raise Problem(
            400,
            f"parameter {parameter!r} must be a full date (YYYY-MM-DD, optionally with a time), "
            f"got {value!r}",
            expression=[parameter],
        ) from None


def _system_of(
    url: str | None, instance: FhirCodeSystem | None, *, parameter: str
) -> FhirCodeSystem | None:
    """The system a URI names, checked against the instance's system when both are given."""
    if url is None or not url.strip():
        return instance
    named = code_system_for(url, parameter=parameter)
    if instance is not None and named.url != instance.url:
        raise Problem(
            400,
            f"{parameter!r} is {named.url} but the URL names CodeSystem/{instance.id} "
            f"({instance.url}); send one system",
            expression=[parameter],
        )
    return named


def one_version(*candidates: tuple[str, str | None]) -> str | None:
    """The single version the caller asked for, or a 400 when two parameters disagree."""
    given = [(name, value.strip()) for name, value in candidates if value and value.strip()]
    for name, value in given[1:]:
        if value != given[0][1]:
            raise Problem(
                400,
                f"{given[0][0]!r} is {given[0][1]!r} but {name!r} is {value!r}; "
                "ask for one release",
                expression=[name],
            )
    return given[0][1] if given else None


def coding_target(
    coding: dict[str, Any],
    *,
    parameter: str,
    instance: FhirCodeSystem | None,
    version: str | None,
    as_of: str | None,
) -> CodingTarget:
    """The target a Coding names (its system, or the instance's when it names none)."""
    code = coding.get("code")
    if not isinstance(code, str) or not code.strip():
        raise Problem(400, f"{parameter!r} has no code", expression=[f"{parameter}.code"])
    system = _system_of(coding.get("system"), instance, parameter=f"{parameter}.system")
    if system is None:
        raise Problem(
            400, f"{parameter!r} has no system (e.g. {_example()})", expression=[parameter]
        )
    chosen = one_version(("version", version), (f"{parameter}.version", coding.get("version")))
    display = coding.get("display")
    return CodingTarget(system, code.strip(), chosen, as_of, display if display else None)


def _example() -> str:
    return BY_ID["icd-10-cm"].url


def single_target(
    inputs: OperationInput,
    *,
    instance: FhirCodeSystem | None,
    system_parameter: str = "system",
) -> CodingTarget:
    """The one concept named by `code` (+ system) or `coding`: exactly one of them."""
    as_of = as_of_date(inputs.text("date"))
    version = inputs.text("version")
    if inputs.has("coding"):
        if inputs.has("code"):
            raise Problem(
                400,
                "give either 'code' (with its system) or 'coding', not both",
                expression=["code", "coding"],
            )
        coding: dict[str, Any] = inputs.first("coding") or {}
        return coding_target(
            coding,
            parameter="coding",
            instance=instance,
            version=version,
            as_of=as_of,
        )
    code = inputs.text("code")
    if not code:
        raise Problem(400, "'code' (with its system) or 'coding' is required", expression=["code"])
    system = _system_of(inputs.text(system_parameter), instance, parameter=system_parameter)
    if system is None:
        raise Problem(
            400,
            f"{system_parameter!r} is required with 'code' (e.g. {system_parameter}={_example()})",
            expression=[system_parameter],
        )
    return CodingTarget(system, code, version, as_of, inputs.text("display"))


async def check_release(
    target: CodingTarget, clients: ServiceClients, *, parameter: str = "version"
) -> None:
    """404 naming the loaded releases when the requested version (or date) matches none."""
    if not target.version and not target.as_of:
        return
    loaded = (await releases_by_system(clients)).get(target.code_system.system, [])
    names = ", ".join(r.release for r in loaded) or "none"
    if target.version:
        if any(r.release.lower() == target.version.lower() for r in loaded):
            return
        raise Problem(
            404,
            f"{target.code_system.url} has no loaded version {target.version!r}; "
            f"loaded versions: {names}",
            fhir_code="not-found",
            expression=[parameter],
        )
    if any(r.effective_date <= (target.as_of or "") for r in loaded):
        return
    raise Problem(
        404,
        f"no version of {target.code_system.url} was effective on {target.as_of}; "
        f"loaded versions: {names}",
        fhir_code="not-found",
        expression=["date"],
    )


async def releases_with_code(target: CodingTarget, clients: ServiceClients) -> list[str]:
    """The loaded releases that have the code (for "not in this release, but in that one")."""
    request = pb.GetCodeHistoryRequest(system=target.code_system.system.proto, code=target.code)
    try:
        reply = await clients.codes.GetCodeHistory(request, timeout=clients.timeout)
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            return []
        raise
    return [entry.release for entry in reply.releases if entry.present]


def elsewhere(releases: list[str], asked: str) -> str:
    """The words that say which other loaded releases have a code ("" when none)."""
    others = [release for release in releases if release != asked]
    if not others:
        return ""
    return f"; it is in loaded release{'s' if len(others) > 1 else ''} {', '.join(others)}"
