"""CodeSystem, ValueSet and ConceptMap read and search: the loaded systems, their value sets
and the GEM maps, as summaries (concepts and mappings are served by the operations).

Only what this installation has loaded is listed: a system with no release (HCPCS until an
operator imports it) is not listed, and reading it is a 404 that says so. Search accepts the
few parameters that make sense for a handful of resources; any other parameter is a 400, so
a client never mistakes an ignored filter for an empty result.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir import conceptmaps, systems
from medcode_gateway.fhir.listings import releases_by_system
from medcode_gateway.fhir.parameters import OperationInput, ParamSpec, from_query
from medcode_gateway.fhir.resource_summaries import code_system_resource, value_set_resource
from medcode_gateway.fhir.responses import FhirResponse, fhir_response
from medcode_gateway.fhir.valuesets import fhir_base, listed_value_sets, value_set_by_id

router = APIRouter(prefix="/fhir", tags=["fhir"])

#: Search parameters matched exactly (token and uri searches); comma-separated values are
#: alternatives.
EXACT = ("_id", "url", "version", "status")
#: String parameters: case- and accent-insensitive "starts with", or `:exact` / `:contains`.
STRINGS = ("name", "title")
CONCEPT_MAP_EXACT = ("source-system", "target-system", "source-uri", "target-uri")


def _specs(exact: Sequence[str]) -> tuple[ParamSpec, ...]:
    names = [*exact, *(f"{s}{m}" for s in STRINGS for m in ("", ":exact", ":contains"))]
    return (
        *(ParamSpec(name, "string", repeats=True) for name in names),
        ParamSpec("_count", "integer"),
    )


CODE_SYSTEM_SEARCH = _specs(EXACT)
VALUE_SET_SEARCH = _specs(EXACT)
CONCEPT_MAP_SEARCH = _specs((*EXACT, *CONCEPT_MAP_EXACT))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A resource that search may return, with the values of its search parameters."""

    resource: dict[str, Any]
    extra: dict[str, str] = field(default_factory=dict)

    def value(self, parameter: str) -> str:
        """The resource's value for a search parameter ("" when it has none)."""
        if parameter == "_id":
            return str(self.resource["id"])
        if parameter in self.extra:
            return self.extra[parameter]
        return str(self.resource.get(parameter, ""))


def _folded(text: str) -> str:
    """Text compared the FHIR string-search way: without case and accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _string_match(actual: str, wanted: str, modifier: str) -> bool:
    if modifier == ":exact":
        return actual == wanted
    if modifier == ":contains":
        return _folded(wanted) in _folded(actual)
    return _folded(actual).startswith(_folded(wanted))


def _matches(candidate: Candidate, parsed: OperationInput) -> bool:
    """Whether a candidate satisfies every parameter (repeats AND, commas OR)."""
    for name, values in parsed.values.items():
        if name == "_count":
            continue
        base, _, modifier = name.partition(":")
        actual = candidate.value(base)
        for value in values:
            options = [option for option in value.split(",") if option]
            if base in STRINGS:
                hit = any(
                    _string_match(actual, o, ":" + modifier if modifier else "") for o in options
                )
            else:
                hit = actual in options
            if not hit:
                return False
    return True


def _bundle(
    request: Request, kind: str, candidates: list[Candidate], parsed: OperationInput
) -> FhirResponse:
    """The searchset Bundle of the candidates that match."""
    base = fhir_base(request)
    found = [c.resource for c in candidates if _matches(c, parsed)]
    count = parsed.integer("_count")
    if count is not None and count < 0:
        raise Problem(400, "_count must be 0 or more", fhir_code="invalid", expression=["_count"])
    shown = found if count is None else found[:count]
    query = urlencode(request.query_params.multi_items())
    return fhir_response(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "link": [
                {"relation": "self", "url": f"{base}/{kind}" + (f"?{query}" if query else "")}
            ],
            "entry": [
                {
                    "fullUrl": f"{base}/{kind}/{resource['id']}",
                    "resource": resource,
                    "search": {"mode": "match"},
                }
                for resource in shown
            ],
        }
    )


def _searched(request: Request, specs: Sequence[ParamSpec]) -> OperationInput:
    return from_query(request.query_params.multi_items(), specs, OperationInput())


def _releases_shown(releases: list[pb.Release], parsed: OperationInput) -> list[pb.Release]:
    """Every loaded release when the search names versions, else the newest only."""
    return releases if parsed.has("version") else releases[:1]


def _read_checks(request: Request, kind: str, resource_id: str) -> None:
    """A read takes only the general parameters (`_format` must be JSON); and an unknown
    operation read as a resource id is a 404 naming the mistake."""
    from_query(request.query_params.multi_items(), (), OperationInput())
    if resource_id.startswith("$"):
        raise Problem(
            404,
            f"{kind}/{resource_id} is not an operation this server serves; "
            "GET /fhir/metadata lists the operations",
            fhir_code="not-supported",
        )


def _not_loaded(kind: str, resource_id: str, label: str) -> Problem:
    return Problem(
        404,
        f"{kind} {resource_id!r} ({label}) is not loaded in this installation: no "
        f"{label} release has been imported",
        fhir_code="not-found",
    )


@router.get("/CodeSystem")
async def search_code_systems(request: Request, clients: Clients) -> FhirResponse:
    """The loaded code systems (the newest release of each, or the releases `version` names)."""
    parsed = _searched(request, CODE_SYSTEM_SEARCH)
    releases = await releases_by_system(request, clients)
    candidates = [
        Candidate(code_system_resource(code_system, release))
        for code_system in systems.CODE_SYSTEMS
        for release in _releases_shown(releases.get(code_system.system, []), parsed)
    ]
    return _bundle(request, "CodeSystem", candidates, parsed)


@router.get("/CodeSystem/{resource_id}")
async def read_code_system(resource_id: str, request: Request, clients: Clients) -> FhirResponse:
    """One loaded code system, at its newest release."""
    _read_checks(request, "CodeSystem", resource_id)
    code_system = systems.code_system_by_id(resource_id)
    releases = (await releases_by_system(request, clients)).get(code_system.system)
    if not releases:
        raise _not_loaded("CodeSystem", resource_id, code_system.system.label)
    return fhir_response(code_system_resource(code_system, releases[0]))


@router.get("/ValueSet")
async def search_value_sets(request: Request, clients: Clients) -> FhirResponse:
    """The value sets of the loaded systems: every concept, and the billable codes."""
    parsed = _searched(request, VALUE_SET_SEARCH)
    releases = await releases_by_system(request, clients)
    candidates = [
        Candidate(value_set_resource(ref, release))
        for ref in listed_value_sets(fhir_base(request))
        for release in _releases_shown(releases.get(ref.code_system.system, []), parsed)
    ]
    return _bundle(request, "ValueSet", candidates, parsed)


@router.get("/ValueSet/{resource_id}")
async def read_value_set(resource_id: str, request: Request, clients: Clients) -> FhirResponse:
    """One listed value set of a loaded system (its definition, not its expansion)."""
    _read_checks(request, "ValueSet", resource_id)
    ref = value_set_by_id(resource_id, fhir_base(request))
    system: System = ref.code_system.system
    releases = (await releases_by_system(request, clients)).get(system)
    if not releases:
        raise _not_loaded("ValueSet", resource_id, system.label)
    return fhir_response(value_set_resource(ref, releases[0]))


@router.get("/ConceptMap")
async def search_concept_maps(request: Request, clients: Clients) -> FhirResponse:
    """The loaded GEM directions."""
    parsed = _searched(request, CONCEPT_MAP_SEARCH)
    loaded = await conceptmaps.loaded_gems(request, clients)
    base = fhir_base(request)
    candidates = [
        Candidate(
            conceptmaps.concept_map_resource(gem, loaded, base),
            {
                "source-system": gem.source_url,
                "target-system": gem.target_url,
                "source-uri": gem.source_value_set,
                "target-uri": gem.target_value_set,
            },
        )
        for gem in loaded.maps
    ]
    return _bundle(request, "ConceptMap", candidates, parsed)


@router.get("/ConceptMap/{resource_id}")
async def read_concept_map(resource_id: str, request: Request, clients: Clients) -> FhirResponse:
    """One loaded GEM direction, as a summary."""
    _read_checks(request, "ConceptMap", resource_id)
    gem = conceptmaps.BY_ID.get(resource_id)
    if gem is None:
        raise Problem(
            404,
            f"no ConceptMap with id {resource_id!r}; ids: {', '.join(conceptmaps.BY_ID)}",
            fhir_code="not-found",
        )
    loaded = await conceptmaps.loaded_gems(request, clients)
    if not loaded.is_loaded(gem):
        raise conceptmaps.not_loaded_problem(gem)
    return fhir_response(conceptmaps.concept_map_resource(gem, loaded, fhir_base(request)))
