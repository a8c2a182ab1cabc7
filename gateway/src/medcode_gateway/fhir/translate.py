"""`ConceptMap/$translate`: ICD-9-CM <-> ICD-10-CM and ICD-9-CM procedures -> ICD-10-PCS by
the CMS GEMs, type-level and per map, GET and POST.

Which map answers: the one the path or `url` names, else every loaded map from the code's
system, narrowed by `targetsystem` and the `source`/`target` value sets. ICD-9-CM has one
URI for diagnoses and procedures, so an ICD-9-CM code with nothing to choose between the
diagnosis and the procedure GEM is looked up in both and the answers merged (a code
well-formed for only one of them is simply not found in the other).

`reverse=true` ("which codes map to this one") is answered from the GEM of the opposite
direction, which CMS publishes for exactly that question, rather than by reading a map
backwards; the matches name the map actually used.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import grpc
from fastapi import APIRouter, Request

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.core.clients import Clients, ServiceClients
from medcode_gateway.fhir import systems
from medcode_gateway.fhir.conceptmaps import GemMap, LoadedGems, loaded_gems
from medcode_gateway.fhir.listings import releases_by_system
from medcode_gateway.fhir.parameters import parameters, read_input, value_parameter
from medcode_gateway.fhir.responses import FhirResponse, fhir_response
from medcode_gateway.fhir.translate_input import (
    GEM_SYSTEM_URLS,
    TRANSLATE_INPUT,
    SourceCoding,
    bad,
    checked_system_url,
    chosen_maps,
    source_codings,
)
from medcode_gateway.fhir.translate_matches import match_parameter, message_for
from medcode_gateway.fhir.valuesets import fhir_base

router = APIRouter(prefix="/fhir", tags=["fhir"])


def _check_version(coding: SourceCoding, releases: dict[System, list[pb.Release]]) -> None:
    """A `version` of an ICD-10 system must be a loaded release (ICD-9-CM ended in 2014 and
    its version is not checked)."""
    served = systems.BY_URL.get(coding.system or "")
    if coding.version is None or served is None:
        return
    loaded = [r.release for r in releases.get(served.system, [])]
    if coding.version not in loaded:
        raise bad(
            f"{served.system.label} release {coding.version!r} is not loaded; loaded: "
            f"{', '.join(loaded) or 'none'}",
            "version" if coding.parameter == "code" else coding.parameter,
            status=404,
            code="not-found",
        )


async def _crosswalk(
    clients: ServiceClients, gem: GemMap, code: str
) -> pb.CrosswalkGemsResponse | str:
    """The GEM rows of a code, or the codes service's words when the code is malformed."""
    request = pb.CrosswalkGemsRequest(from_system=gem.from_system, code=code)
    try:
        return await clients.codes.CrosswalkGems(request, timeout=clients.timeout)
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        return str(error.details())


def _target_versions(releases: dict[System, list[pb.Release]]) -> dict[str, str]:
    """The newest loaded release per system URI (the release the target titles come from)."""
    return {
        entry.url: found[0].release
        for entry in systems.CODE_SYSTEMS
        if (found := releases.get(entry.system))
    }


@dataclass
class Translation:
    """The matches and messages of one $translate call, gathered coding by coding."""

    clients: ServiceClients
    base: str
    #: The newest loaded release per target system URI.
    versions: dict[str, str]
    messages: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    tried: int = 0

    async def add(self, coding: SourceCoding, maps: list[GemMap], loaded: LoadedGems) -> None:
        """Translate one coding with every map from its system."""
        where = "system" if coding.parameter == "code" else coding.parameter
        system = checked_system_url(coding.system or "", where)
        usable = [gem for gem in maps if gem.source_url == system]
        if not usable:
            raise bad(
                f"no loaded ConceptMap translates from {system} with these parameters; "
                f"loaded: {', '.join(gem.id for gem in loaded.maps) or 'none'}",
                where,
                status=404,
                code="not-found",
            )
        self.tried += 1
        refused = []
        for gem in usable:
            reply = await _crosswalk(self.clients, gem, coding.code)
            if isinstance(reply, str):
                refused.append(f"{coding.code!r} is not a code the {gem.title} reads ({reply})")
                continue
            self.messages.append(message_for(reply.code, gem, reply.mappings, reply.release))
            version = self.versions.get(gem.target_url, "")
            self.matches += [
                match_parameter(m, gem, map_url=gem.url(self.base), target_version=version)
                for m in reply.mappings
            ]
        if len(refused) == len(usable):
            raise bad("; ".join(refused), coding.parameter)


@router.api_route("/ConceptMap/$translate", methods=["GET", "POST"])
async def translate(request: Request, clients: Clients) -> FhirResponse:
    """Translate a code with whichever loaded GEM applies."""
    return await _translate(request, clients, None)


@router.api_route("/ConceptMap/{resource_id}/$translate", methods=["GET", "POST"])
async def translate_with(resource_id: str, request: Request, clients: Clients) -> FhirResponse:
    """Translate a code with one GEM."""
    return await _translate(request, clients, resource_id)


async def _translate(request: Request, clients: Clients, resource_id: str | None) -> FhirResponse:
    parsed = await read_input(request, TRANSLATE_INPUT)
    if parsed.has("conceptMap"):
        raise bad(
            "MedCode translates only with the ConceptMaps it serves (the CMS GEMs); "
            "name one by url instead of sending a conceptMap",
            "conceptMap",
            code="not-supported",
        )
    codings = source_codings(parsed)
    base = fhir_base(request)
    # Independent listings, asked together: which GEMs are loaded, and the releases
    # (for the target codings' versions).
    loaded, releases = await asyncio.gather(
        loaded_gems(request, clients), releases_by_system(request, clients)
    )
    maps = chosen_maps(parsed, resource_id, loaded, base)
    translated = Translation(clients, base, _target_versions(releases))
    for coding in codings:
        if coding.system is None:  # a bare code: the system of the map named
            if len({gem.source_url for gem in maps}) != 1:
                raise bad("'system' is required unless the ConceptMap is named", "system")
            coding = SourceCoding(maps[0].source_url, coding.code, coding.version, "code")
        if len(codings) > 1 and coding.system not in GEM_SYSTEM_URLS:
            translated.messages.append(f"No ConceptMap translates {coding.system} codes.")
            continue  # other codings of the concept may translate
        _check_version(coding, releases)
        await translated.add(coding, maps, loaded)
    if not translated.tried:
        raise bad(
            "no coding of the codeableConcept is ICD-9-CM, ICD-10-CM or ICD-10-PCS",
            "codeableConcept",
            status=404,
            code="not-found",
        )
    matches = translated.matches
    result = any(m["part"][0]["valueCode"] != "unmatched" for m in matches)
    return fhir_response(
        parameters(
            [
                value_parameter("result", "boolean", result),
                value_parameter("message", "string", " ".join(translated.messages)),
                *matches,
            ]
        )
    )
