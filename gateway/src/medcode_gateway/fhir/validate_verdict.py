"""Whether one coding is valid in a selection of a code system, and why not, in a coder's words.

Both $validate-code operations judge codings here, so they agree: the codes service's
ValidateCodes verdict says malformed, not in the release, not billable (with what to report
instead) or billable; this module adds what FHIR asks on top of it (a subtree's membership,
the display check) and where else a missing code can be found.

Decisions (documented for partners): a code that exists but is not billable (a category or
a heading) IS a concept of the code system, so CodeSystem/$validate-code and the whole-system
value set answer result true with a message saying it is not billable, unless the caller
sends `abstract=false`; the billable value sets answer false. A display that differs from
the official title keeps result true and says so in `message` (a warning, as HL7 terminology
servers do by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.lookup_coding import (
    CodingTarget,
    check_release,
    elsewhere,
    releases_with_code,
)

#: How many billable codes below a heading a message names.
SUGGESTED = 5


@dataclass(frozen=True, slots=True)
class Selection:
    """Which concepts of the system count as valid."""

    #: Only codes reportable on a claim (MedCode's billable value sets, or abstract=false).
    billable_only: bool = False
    #: Only this code and its descendants (an `isa/<code>` value set).
    root: str | None = None
    #: The value set URL, for messages and errors ("" for a code system).
    value_set: str = ""


@dataclass(slots=True)
class CodingCheck:
    """The verdict on one coding."""

    result: bool
    #: The official title when the code exists in the release.
    display: str | None
    #: The canonical code when well formed (else as given).
    code: str
    #: The release judged against.
    release: str
    #: The code system's URI.
    system: str
    messages: list[str] = field(default_factory=list)


def same_display(given: str, official: str) -> bool:
    """Whether a display is the official title, ignoring case and runs of spaces."""
    return " ".join(given.split()).casefold() == " ".join(official.split()).casefold()


def _not_billable(verdict: pb.CodeVerdict, label: str) -> str:
    """Why a heading is not reportable, and which codes below it are."""
    message = f"{verdict.code} is {label} concept but not a billable code: {verdict.message}"
    codes = [s.code for s in verdict.suggestions[:SUGGESTED]]
    if codes:
        message += f"; billable codes within it include {', '.join(codes)}"
    return message


def _root_problem(verdict: pb.CodeVerdict, selection: Selection, release: str) -> Problem:
    """The value set's subtree root does not exist: the value set itself is unknown."""
    return Problem(
        404,
        f"value set {selection.value_set!r} selects the codes under {verdict.input!r}, which is "
        f"not a code of release {release}: {verdict.message}",
        fhir_code="not-found",
        expression=["url"],
    )


async def _descends_from(
    target: CodingTarget, code: str, root: str, clients: ServiceClients
) -> bool:
    """Whether `code` is `root` or below it (FHIR is-a includes the concept itself)."""
    if code == root:
        return True
    request = pb.ListAncestorsRequest(
        system=target.code_system.system.proto, code=code, release=target.selector()
    )
    reply = await clients.codes.ListAncestors(request, timeout=clients.timeout)
    return any(ancestor.code == root for ancestor in reply.ancestors)


async def check_coding(
    target: CodingTarget,
    clients: ServiceClients,
    selection: Selection,
    *,
    version_parameter: str = "version",
) -> CodingCheck:
    """Judge one coding against the requested release of its system."""
    await check_release(target, clients, parameter=version_parameter)
    system = target.code_system.system
    codes = [target.code] + ([selection.root] if selection.root else [])
    reply = await clients.codes.ValidateCodes(
        pb.ValidateCodesRequest(system=system.proto, codes=codes, release=target.selector()),
        timeout=clients.timeout,
    )
    verdict, release = reply.verdicts[0], reply.release
    root = reply.verdicts[1] if selection.root else None
    if root is not None and not root.valid:
        raise _root_problem(root, selection, release)
    check = CodingCheck(
        False, verdict.title or None, verdict.code or target.code, release, target.code_system.url
    )
    status = verdict.status
    if status == pb.VALIDATION_STATUS_MALFORMED:
        check.messages.append(verdict.message)
        return check
    if status != pb.VALIDATION_STATUS_BILLABLE and status != pb.VALIDATION_STATUS_NOT_BILLABLE:
        found_in = await releases_with_code(target, clients)
        check.messages.append(verdict.message + elsewhere(found_in, release))
        return check
    check.result = True
    if status == pb.VALIDATION_STATUS_NOT_BILLABLE:
        check.result = not selection.billable_only
        message = _not_billable(verdict, system.a_label)
        if selection.billable_only:
            where = f"value set {selection.value_set}" if selection.value_set else "this context"
            message += f"; only billable codes are valid in {where}"
        check.messages.append(message)
    if root is not None and not await _descends_from(target, verdict.code, root.code, clients):
        check.result = False
        check.messages.append(
            f"{verdict.code} is not {root.code} or a code below it, so it is not in "
            f"value set {selection.value_set}"
        )
    if target.display and verdict.title and not same_display(target.display, verdict.title):
        check.messages.append(
            f"the display {target.display!r} is not the official title of {verdict.code} in "
            f"release {release}: {verdict.title!r}"
        )
    return check
