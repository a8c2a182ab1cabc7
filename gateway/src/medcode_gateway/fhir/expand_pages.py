"""One page of an expansion from the services: the codes service's listing (exact totals)
without a filter, MedCode's search ranking with one.

A filtered expansion is the search service's ranked hits, restricted to the value set
(`within` the subtree root, billable only when the value set says so). Search counts the
hits its ranking consulted, a lower bound of every match, so a filtered expansion carries
no `total` rather than a number that may be wrong; clients page until a short page. The
root of an is-a value set is not its own ancestor, so `within` leaves it out: it is listed
first when the filter matches its code or every filter word starts a word of its display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import grpc
from fastapi import Request

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.search.v1 import search_service_pb2 as spb
from medcode_common.codesystems import System
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.expand_inputs import ExpandInputs
from medcode_gateway.fhir.listings import releases_by_system
from medcode_gateway.fhir.versions import release_selector

#: The most hits one Search call returns (the search service's own limit).
SEARCH_PAGE = 500
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept of an expansion."""

    code: str
    display: str
    billable: bool


@dataclass(frozen=True, slots=True)
class ExpansionPage:
    """The concepts of one page, the exact number in the whole expansion when known, and
    the release they come from."""

    concepts: list[Concept]
    total: int | None
    release: str


async def chosen_release(request: Request, clients: ServiceClients, inputs: ExpandInputs) -> str:
    """The release to expand: the one asked for, else the system's newest; 404 otherwise."""
    code_system = inputs.value_set.code_system
    by_system = await releases_by_system(request, clients)
    loaded = [r.release for r in by_system.get(code_system.system, [])]
    if not loaded:
        raise Problem(
            404,
            f"no release of {code_system.title} ({code_system.url}) is loaded on this server",
            fhir_code="not-found",
            expression=["url"],
        )
    if inputs.version is None:
        return loaded[0]
    if inputs.version not in loaded:
        raise Problem(
            404,
            f"{code_system.url} has no release {inputs.version!r} here; loaded: "
            + ", ".join(loaded),
            fhir_code="not-found",
            expression=[inputs.version_parameter],
        )
    return inputs.version


async def _listing(
    clients: ServiceClients,
    inputs: ExpandInputs,
    release: str,
    *,
    offset: int,
    size: int,
    billable_only: bool,
) -> pb.ListCodesResponse:
    """A ListCodes page of the value set; a root the release lacks is the caller's error."""
    system = inputs.value_set.code_system.system
    request = pb.ListCodesRequest(
        system=system.proto,
        release=release_selector(release),
        under=inputs.value_set.root or "",
        billable_only=billable_only,
        offset=offset,
        page_size=size,
    )
    try:
        return await clients.codes.ListCodes(request, timeout=clients.timeout)
    except grpc.aio.AioRpcError as error:
        wrong_root = {grpc.StatusCode.NOT_FOUND: 404, grpc.StatusCode.INVALID_ARGUMENT: 400}
        status = wrong_root.get(error.code())
        if status is None or inputs.value_set.root is None:
            raise
        raise Problem(
            status,
            f"the value set {inputs.value_set.url!r} names no concept of its system: "
            f"{error.details()}",
            fhir_code="not-found" if status == 404 else "invalid",
            expression=["url"],
        ) from error


async def listed_page(clients: ServiceClients, inputs: ExpandInputs, release: str) -> ExpansionPage:
    """An unfiltered page: the value set's nodes in tabular order, with the exact total."""
    # count=0 asks only how large the expansion is; ListCodes' smallest page is one node.
    reply = await _listing(
        clients,
        inputs,
        release,
        offset=inputs.offset,
        size=max(inputs.count, 1),
        billable_only=inputs.billable_only,
    )
    concepts = [Concept(c.code, c.title, c.billable) for c in reply.codes[: inputs.count]]
    return ExpansionPage(concepts, int(reply.total_count), reply.release or release)


def filter_matches(text: str, concept: Concept) -> bool:
    """Whether a filter matches a concept by itself: the code starts with it, or every word
    of it starts a word of the display."""
    typed_code = text.strip().upper().replace(".", "")
    if typed_code and concept.code.upper().replace(".", "").startswith(typed_code):
        return True
    words = _WORD.findall(text.casefold())
    display_words = _WORD.findall(concept.display.casefold())
    return bool(words) and all(any(d.startswith(w) for d in display_words) for w in words)


async def _searched(
    clients: ServiceClients,
    inputs: ExpandInputs,
    release: str,
    within: str,
    *,
    offset: int,
    wanted: int,
) -> list[Concept]:
    """`wanted` ranked hits from `offset`, in search-sized calls; fewer at the list's end."""
    found: list[Concept] = []
    system: System = inputs.value_set.code_system.system
    while len(found) < wanted:
        limit = min(SEARCH_PAGE, wanted - len(found))
        request = spb.SearchRequest(
            query=inputs.filter,
            systems=[system.value],
            billable_only=inputs.billable_only,
            within=within,
            release=release,
            offset=offset + len(found),
            limit=limit,
        )
        reply = await clients.search.Search(request, timeout=clients.timeout)
        found += [Concept(hit.code, hit.title, hit.billable) for hit in reply.hits]
        if len(reply.hits) < limit:
            break
    return found


async def filtered_page(
    clients: ServiceClients, inputs: ExpandInputs, release: str
) -> ExpansionPage:
    """A filtered page of the list [root, when it matches] + the search's hits below it."""
    offset, count = inputs.offset, inputs.count
    within = ""
    lead: list[Concept] = []
    if inputs.value_set.root is not None:
        listed = await _listing(clients, inputs, release, offset=0, size=1, billable_only=False)
        root = Concept(listed.codes[0].code, listed.codes[0].title, listed.codes[0].billable)
        within = root.code  # canonical: the search filters on ancestors as the codes name them
        if filter_matches(inputs.filter, root) and (root.billable or not inputs.billable_only):
            lead = [root] if offset == 0 and count > 0 else []
            offset = max(offset - 1, 0)  # the search's list starts at place 1
    wanted = count - len(lead)
    hits = await _searched(clients, inputs, release, within, offset=offset, wanted=wanted)
    return ExpansionPage(lead + hits, None, release)
