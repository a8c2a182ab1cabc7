"""`GET /fhir/metadata`: the CapabilityStatement (FHIR's contract for this server, in place
of OpenAPI) and, with `?mode=terminology`, the TerminologyCapabilities of what is loaded.

Not view-metered: a client reads it before anything else, and it reveals no code content.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from fastapi import APIRouter, Request

from medcode_gateway.core.clients import Clients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.capability_terminology import terminology_capabilities
from medcode_gateway.fhir.listings import releases_by_system
from medcode_gateway.fhir.parameters import OperationInput, ParamSpec, from_query
from medcode_gateway.fhir.responses import FhirResponse, fhir_response
from medcode_gateway.fhir.valuesets import fhir_base

router = APIRouter(prefix="/fhir", tags=["fhir"])

FHIR_VERSION = "4.0.1"
#: When the statement's content last changed (its `date`; the loaded data does not change it).
STATEMENT_DATE = "2026-12-06"
TERMINOLOGY_SERVER = "http://hl7.org/fhir/CapabilityStatement/terminology-server"
OPERATION_DEFINITION = "http://hl7.org/fhir/OperationDefinition/"
SEARCH_PARAMETER = "http://hl7.org/fhir/SearchParameter/"
MODES = ("full", "normative", "terminology")
METADATA_INPUT = (ParamSpec("mode", "code"),)

#: Search parameters of every type: (name, type, SearchParameter id).
COMMON_SEARCH = (
    ("_id", "token", "Resource-id"),
    ("url", "uri", "conformance-url"),
    ("version", "token", "conformance-version"),
    ("name", "string", "conformance-name"),
    ("title", "string", "conformance-title"),
    ("status", "token", "conformance-status"),
)
CONCEPT_MAP_SEARCH = (
    ("source-system", "uri", "ConceptMap-source-system"),
    ("target-system", "uri", "ConceptMap-target-system"),
    ("source-uri", "reference", "ConceptMap-source-uri"),
    ("target-uri", "reference", "ConceptMap-target-uri"),
)
#: Operations per resource type: (name, OperationDefinition id).
OPERATIONS = {
    "CodeSystem": (("lookup", "CodeSystem-lookup"), ("validate-code", "CodeSystem-validate-code")),
    "ValueSet": (("expand", "ValueSet-expand"), ("validate-code", "ValueSet-validate-code")),
    "ConceptMap": (("translate", "ConceptMap-translate"),),
}


def _software_version() -> str:
    try:
        return metadata.version("medcode-gateway")
    except metadata.PackageNotFoundError:
        return "unknown"


def common_fields(base: str) -> dict[str, Any]:
    """What the CapabilityStatement and the TerminologyCapabilities both say."""
    return {
        "status": "active",
        "experimental": False,
        "date": STATEMENT_DATE,
        "publisher": "MedCode",
        "kind": "instance",
        "software": {"name": "MedCode", "version": _software_version()},
        "implementation": {"description": "MedCode FHIR R4 terminology API", "url": base},
    }


def _resource(kind: str) -> dict[str, Any]:
    search = COMMON_SEARCH + (CONCEPT_MAP_SEARCH if kind == "ConceptMap" else ())
    return {
        "type": kind,
        "profile": f"http://hl7.org/fhir/StructureDefinition/{kind}",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": name, "definition": SEARCH_PARAMETER + definition, "type": kind_}
            for name, kind_, definition in search
        ],
        "operation": [
            {"name": name, "definition": OPERATION_DEFINITION + definition}
            for name, definition in OPERATIONS[kind]
        ],
    }


def capability_statement(base: str) -> dict[str, Any]:
    """The CapabilityStatement: resources, interactions, search parameters, operations."""
    return {
        "resourceType": "CapabilityStatement",
        "url": f"{base}/metadata",
        "name": "MedCodeTerminologyServer",
        "title": "MedCode FHIR terminology server",
        **common_fields(base),
        "description": (
            "ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT as FHIR R4 terminology: $lookup, "
            "$validate-code, $expand and the CMS GEMs as ConceptMap/$translate. Errors are "
            "OperationOutcome resources. Partner API keys (X-API-Key) pay their quota per "
            "call; $lookup is a metered code view for guests and free accounts."
        ),
        "instantiates": [TERMINOLOGY_SERVER],
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "description": (
                        "Anonymous, a MedCode account (Authorization: Bearer <access token>) "
                        "or a partner API key (X-API-Key)."
                    ),
                },
                "resource": [_resource(kind) for kind in OPERATIONS],
            }
        ],
    }


def _mode(request: Request) -> str:
    parsed = from_query(request.query_params.multi_items(), METADATA_INPUT, OperationInput())
    mode = parsed.text("mode") or "full"
    if mode not in MODES:
        raise Problem(
            400,
            f"mode {mode!r} is not one of {', '.join(MODES)}",
            fhir_code="invalid",
            expression=["mode"],
        )
    return mode


@router.get("/metadata")
async def capabilities(request: Request, clients: Clients) -> FhirResponse:
    """The CapabilityStatement, or the TerminologyCapabilities with `mode=terminology`."""
    base = fhir_base(request)
    if _mode(request) != "terminology":
        return fhir_response(capability_statement(base))
    releases = await releases_by_system(request, clients)
    statement = terminology_capabilities(releases=releases, common=common_fields(base))
    statement["url"] = f"{base}/metadata?mode=terminology"
    return fhir_response(statement)
