"""The code systems MedCode serves in FHIR, named by their HL7 Terminology (THO) URIs.

Partners send a system URI, not MedCode's short names; this module is the one place a URI
becomes a `System` (or a GEMs source), so every operation accepts and answers the same
canonical spellings. WHO ICD-10 is refused with a pointer to ICD-10-CM, because the two are
routinely confused and silently answering from the wrong classification is worse than no
answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcode_common.codesystems import System
from medcode_gateway.core.problems import Problem


@dataclass(frozen=True, slots=True)
class FhirCodeSystem:
    """How one MedCode system appears in FHIR."""

    system: System
    url: str
    oid: str
    #: Resource id of its CodeSystem (and implicit ValueSet) on this server.
    id: str
    #: Computable name (FHIR `name`).
    name: str
    title: str
    publisher: str


ICD10CM_URL = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10PCS_URL = "http://www.cms.gov/Medicare/Coding/ICD10"
HCPCS_URL = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT_URL = "http://www.ama-assn.org/go/cpt"
#: One THO URI for ICD-9-CM diagnoses and procedures alike (volumes 1-3).
ICD9CM_URL = "http://hl7.org/fhir/sid/icd-9-cm"
#: WHO ICD-10: not served; requests naming it are pointed to ICD-10-CM.
WHO_ICD10_URL = "http://hl7.org/fhir/sid/icd-10"

CODE_SYSTEMS: tuple[FhirCodeSystem, ...] = (
    FhirCodeSystem(
        System.ICD10CM,
        ICD10CM_URL,
        "2.16.840.1.113883.6.90",
        "icd-10-cm",
        "ICD10CM",
        "International Classification of Diseases, 10th Revision, Clinical Modification",
        "National Center for Health Statistics (NCHS)",
    ),
    FhirCodeSystem(
        System.ICD10PCS,
        ICD10PCS_URL,
        "2.16.840.1.113883.6.4",
        "icd-10-pcs",
        "ICD10PCS",
        "ICD-10 Procedure Coding System",
        "Centers for Medicare & Medicaid Services (CMS)",
    ),
    FhirCodeSystem(
        System.HCPCS,
        HCPCS_URL,
        "2.16.840.1.113883.6.285",
        "hcpcs-level-ii",
        "HCPCSLevelII",
        "Healthcare Common Procedure Coding System (HCPCS) Level II",
        "Centers for Medicare & Medicaid Services (CMS)",
    ),
    FhirCodeSystem(
        System.CPT,
        CPT_URL,
        "2.16.840.1.113883.6.12",
        "cpt",
        "CPT",
        "Current Procedural Terminology (CPT)",
        "American Medical Association (AMA)",
    ),
)
BY_URL = {entry.url: entry for entry in CODE_SYSTEMS}
BY_ID = {entry.id: entry for entry in CODE_SYSTEMS}
BY_SYSTEM = {entry.system: entry for entry in CODE_SYSTEMS}

#: Spellings partners use for a served system that are not its THO URI: answered with a
#: pointer to the canonical one rather than a bare "unknown".
ALIASES = {
    "http://hl7.org/fhir/sid/icd-10-pcs": ICD10PCS_URL,
    "urn:oid:2.16.840.1.113883.6.90": ICD10CM_URL,
    "urn:oid:2.16.840.1.113883.6.4": ICD10PCS_URL,
    "urn:oid:2.16.840.1.113883.6.285": HCPCS_URL,
    "urn:oid:2.16.840.1.113883.6.12": CPT_URL,
    "http://terminology.hl7.org/CodeSystem/HCPCS": HCPCS_URL,
    "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/": HCPCS_URL,
}


def served_urls() -> str:
    """The served system URIs, for messages."""
    return ", ".join(entry.url for entry in CODE_SYSTEMS)


def code_system_by_id(resource_id: str) -> FhirCodeSystem:
    """The served code system a resource id names (`CodeSystem/<id>`), or a 404 Problem."""
    found = BY_ID.get(resource_id)
    if found is None:
        ids = ", ".join(sorted(BY_ID))
        raise Problem(
            404, f"no CodeSystem with id {resource_id!r}; served ids: {ids}", fhir_code="not-found"
        )
    return found


def who_icd10_problem(parameter: str) -> Problem:
    """The answer to a request naming WHO ICD-10: which system the caller most likely means."""
    return Problem(
        400,
        f"{WHO_ICD10_URL} is WHO ICD-10, which MedCode does not serve; US diagnosis codes "
        f"(ICD-10-CM) are {ICD10CM_URL}: send that as {parameter!r} instead",
        fhir_code="not-supported",
        expression=[parameter],
    )


def code_system_for(url: str, *, parameter: str = "system") -> FhirCodeSystem:
    """The served system a URI names, or a 400/404 Problem saying which URI to use."""
    stripped = url.strip()
    if not stripped:
        raise Problem(400, f"{parameter!r} must be a code system URI", expression=[parameter])
    if stripped in BY_URL:
        return BY_URL[stripped]
    if stripped.rstrip("/") == WHO_ICD10_URL:
        raise who_icd10_problem(parameter)
    if stripped in ALIASES:
        canonical = ALIASES[stripped]
        raise Problem(
            400,
            f"{stripped!r} is not the HL7 Terminology URI of this code system; use {canonical}",
            fhir_code="invalid",
            expression=[parameter],
        )
    if stripped == ICD9CM_URL:
        raise Problem(
            400,
            f"{ICD9CM_URL} (ICD-9-CM) is served only by ConceptMap/$translate (the CMS GEMs); "
            f"code systems served: {served_urls()}",
            fhir_code="not-supported",
            expression=[parameter],
        )
    raise Problem(
        404,
        f"unknown code system {stripped!r}; MedCode serves: {served_urls()}",
        fhir_code="not-found",
        expression=[parameter],
    )
