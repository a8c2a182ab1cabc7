"""The TerminologyCapabilities statement (`GET /fhir/metadata?mode=terminology`): which code
systems and releases this installation has loaded, and how expansion, validation and
translation behave, so a client can check before it asks."""

from __future__ import annotations

from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.fhir.resource_summaries import FILTERS, PROPERTIES
from medcode_gateway.fhir.systems import CODE_SYSTEMS

#: The $expand parameters MedCode honours, with what each does here.
EXPANSION_PARAMETERS: tuple[tuple[str, str], ...] = (
    ("filter", "Text to match: MedCode's search ranking over titles and plain words"),
    ("count", "Codes per page (paging); at most 1000"),
    ("offset", "Codes to skip (paging)"),
    ("includeDesignations", "Add the official title and MedCode's plain words as designations"),
    ("excludeNotForUI", "true: billable codes only (headings are navigation, not reportable)"),
)


def code_system_entries(releases: dict[System, list[pb.Release]]) -> list[dict[str, Any]]:
    """One entry per loaded system, each loaded release a version (the newest the default)."""
    properties = [code for code, _kind, _description in PROPERTIES]
    found = []
    for code_system in CODE_SYSTEMS:
        loaded = releases.get(code_system.system, [])
        if not loaded:
            continue
        versions = [
            {
                "code": release.release,
                "isDefault": number == 0,
                "compositional": False,
                "language": ["en"],
                "filter": [{"code": f["code"], "op": list(f["operator"])} for f in FILTERS],
                "property": list(properties),
            }
            for number, release in enumerate(loaded)
        ]
        found.append({"uri": code_system.url, "version": versions, "subsumption": False})
    return found


def terminology_capabilities(
    *, releases: dict[System, list[pb.Release]], common: dict[str, Any]
) -> dict[str, Any]:
    """The TerminologyCapabilities resource; `common` holds the fields it shares with the
    CapabilityStatement (software, implementation, publisher...)."""
    dates = [r.effective_date for found in releases.values() for r in found if r.effective_date]
    return {
        "resourceType": "TerminologyCapabilities",
        **common,
        "name": "MedCodeTerminologyCapabilities",
        "title": "MedCode terminology capabilities",
        "date": max(dates) if dates else common["date"],
        "description": (
            "The code systems and releases loaded in this MedCode installation. ICD-9-CM "
            "(http://hl7.org/fhir/sid/icd-9-cm) is served only through ConceptMap/$translate "
            "(the CMS GEMs)."
        ),
        "lockedDate": False,
        "codeSystem": code_system_entries(releases),
        "expansion": {
            "hierarchical": False,
            "paging": True,
            "incomplete": False,
            "parameter": [
                {"name": name, "documentation": documentation}
                for name, documentation in EXPANSION_PARAMETERS
            ],
            "textFilter": "Words of the title or MedCode's plain description, in any order",
        },
        "validateCode": {"translations": False},
        "translation": {"needsMap": False},
    }
