"""The CMS GEMs as FHIR ConceptMaps: one per loaded mapping direction.

MedCode stores the GEMs as one data set whose `source` names each direction it holds
("icd9cm->icd10cm: ...; icd9pcs->icd10pcs: ..."); this module turns that into the
ConceptMaps the server lists, reads and translates with, so the three agree on which maps
exist and on their canonical URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.listings import list_datasets
from medcode_gateway.fhir.systems import ICD9CM_URL, ICD10CM_URL, ICD10PCS_URL

GEMS_KIND = "gems"
CMS = "Centers for Medicare & Medicaid Services (CMS)"
#: `meta.tag` of a resource served without some of its content (here: the GEM groups).
SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}
_DIRECTION = re.compile(r"(icd9cm|icd10cm|icd9pcs|icd10pcs)->(icd9cm|icd10cm|icd9pcs|icd10pcs)")


@dataclass(frozen=True, slots=True)
class GemMap:
    """One GEM direction: the codes service's GEM system names and the FHIR system URIs."""

    id: str
    #: `CrosswalkGemsRequest.from_system` of the source codes.
    from_system: str
    #: The GEM system name of the target codes.
    to_system: str
    source_url: str
    target_url: str
    name: str
    title: str

    def url(self, base: str) -> str:
        """The map's canonical URL on this server."""
        return f"{base}/ConceptMap/{self.id}"

    @property
    def source_value_set(self) -> str:
        """The implicit value set of the source system."""
        return self.source_url + "?fhir_vs"

    @property
    def target_value_set(self) -> str:
        """The implicit value set of the target system."""
        return self.target_url + "?fhir_vs"


GEM_MAPS: tuple[GemMap, ...] = (
    GemMap(
        "icd9cm-to-icd10cm",
        "icd9cm",
        "icd10cm",
        ICD9CM_URL,
        ICD10CM_URL,
        "GemIcd9cmToIcd10cm",
        "CMS GEM: ICD-9-CM diagnoses to ICD-10-CM",
    ),
    GemMap(
        "icd10cm-to-icd9cm",
        "icd10cm",
        "icd9cm",
        ICD10CM_URL,
        ICD9CM_URL,
        "GemIcd10cmToIcd9cm",
        "CMS GEM: ICD-10-CM to ICD-9-CM diagnoses",
    ),
    GemMap(
        "icd9cm-procedures-to-icd10pcs",
        "icd9pcs",
        "icd10pcs",
        ICD9CM_URL,
        ICD10PCS_URL,
        "GemIcd9cmProceduresToIcd10pcs",
        "CMS GEM: ICD-9-CM procedures (volume 3) to ICD-10-PCS",
    ),
    GemMap(
        "icd10pcs-to-icd9cm-procedures",
        "icd10pcs",
        "icd9pcs",
        ICD10PCS_URL,
        ICD9CM_URL,
        "GemIcd10pcsToIcd9cmProcedures",
        "CMS GEM: ICD-10-PCS to ICD-9-CM procedures (volume 3)",
    ),
)
BY_ID = {gem.id: gem for gem in GEM_MAPS}
BY_DIRECTION = {(gem.from_system, gem.to_system): gem for gem in GEM_MAPS}


def opposite(gem: GemMap) -> GemMap:
    """The GEM of the other direction (CMS publishes both directions as separate files)."""
    return BY_DIRECTION[(gem.to_system, gem.from_system)]


@dataclass(frozen=True, slots=True)
class LoadedGems:
    """The GEM directions this installation has, and the GEM release they come from."""

    maps: tuple[GemMap, ...]
    release: str
    effective_date: str

    def is_loaded(self, gem: GemMap) -> bool:
        """Whether a direction is loaded."""
        return gem in self.maps


def directions_in(source: str) -> tuple[GemMap, ...]:
    """The GEM directions a data set's `source` names; every direction when it names none
    (a GEM file imported without that description may hold any of them)."""
    named = {BY_DIRECTION[found] for found in _DIRECTION.findall(source) if found in BY_DIRECTION}
    return tuple(gem for gem in GEM_MAPS if gem in named) if named else GEM_MAPS


async def loaded_gems(request: Request, clients: ServiceClients) -> LoadedGems:
    """The loaded GEM directions (none when no GEMs are loaded)."""
    reply = await list_datasets(request, clients)
    for dataset in reply.datasets:  # newest first within a kind
        if dataset.kind == GEMS_KIND:
            return LoadedGems(
                directions_in(dataset.source), dataset.release, dataset.effective_date
            )
    return LoadedGems((), "", "")


def not_loaded_problem(gem: GemMap, *, parameter: str | None = None) -> Problem:
    """The 404 for a GEM direction MedCode knows but this installation has not loaded."""
    return Problem(
        404,
        f"the ConceptMap {gem.id!r} ({gem.title}) is not loaded in this installation",
        fhir_code="not-found",
        **({"expression": [parameter]} if parameter else {}),
    )


def concept_map_resource(gem: GemMap, loaded: LoadedGems, base: str) -> dict[str, Any]:
    """The ConceptMap of one direction, as a summary: no groups (`$translate` reads them)."""
    return {
        "resourceType": "ConceptMap",
        "id": gem.id,
        "meta": {"tag": [dict(SUBSETTED)]},
        "url": gem.url(base),
        "version": loaded.release,
        "name": gem.name,
        "title": gem.title,
        "status": "active",
        "experimental": False,
        "date": loaded.effective_date,
        "publisher": CMS,
        "description": (
            f"{gem.title}, from the CMS General Equivalence Mappings (GEMs release "
            f"{loaded.release}). The mappings are not listed here: translate codes with "
            f"{base}/ConceptMap/{gem.id}/$translate."
        ),
        "sourceCanonical": gem.source_value_set,
        "targetCanonical": gem.target_value_set,
    }
