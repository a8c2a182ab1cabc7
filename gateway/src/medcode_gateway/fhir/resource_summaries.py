"""CodeSystem and ValueSet resources as summaries of one loaded release: what a partner
needs to know the system is served (URL, version, size, properties), without the concept
list, which $lookup, $validate-code and $expand serve."""

from __future__ import annotations

from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.fhir.lookup_properties import PROPERTY_DEFINITIONS
from medcode_gateway.fhir.systems import FhirCodeSystem
from medcode_gateway.fhir.valuesets import ValueSetRef

MEDCODE = "MedCode"
HIERARCHY_PARENT = "http://hl7.org/fhir/concept-properties#parent"
HIERARCHY_CHILD = "http://hl7.org/fhir/concept-properties#child"

#: The properties $lookup returns, as (code, type, description): one list, kept with $lookup.
PROPERTIES = PROPERTY_DEFINITIONS
#: The filters value sets on this server may use in `compose` (the billable value sets do).
FILTERS: tuple[dict[str, Any], ...] = (
    {
        "code": "billable",
        "description": "Codes reportable on a claim (true) or headings that are not (false)",
        "operator": ["="],
        "value": "true or false",
    },
    {
        "code": "concept",
        "description": "The concept and every concept below it (the implicit isa/ value sets)",
        "operator": ["is-a"],
        "value": "a code of the system",
    },
)


def _date(release: pb.Release) -> dict[str, str]:
    """The resource date: the release's effective date, when known."""
    return {"date": release.effective_date} if release.effective_date else {}


def property_definitions() -> list[dict[str, Any]]:
    """CodeSystem.property: one definition per property $lookup may return."""
    found = []
    for code, kind, description in PROPERTIES:
        definition = {"code": code, "description": description, "type": kind}
        if code == "parent":
            definition["uri"] = HIERARCHY_PARENT
        elif code == "child":
            definition["uri"] = HIERARCHY_CHILD
        found.append(definition)
    return found


def code_system_resource(code_system: FhirCodeSystem, release: pb.Release) -> dict[str, Any]:
    """The CodeSystem of one loaded release (`content: not-present`: no concepts listed)."""
    label = code_system.system.label
    return {
        "resourceType": "CodeSystem",
        "id": code_system.id,
        "url": code_system.url,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:oid:{code_system.oid}"}],
        "version": release.release,
        "name": code_system.name,
        "title": code_system.title,
        "status": "active",
        "experimental": False,
        **_date(release),
        "publisher": code_system.publisher,
        "description": (
            f"{label}, release {release.release} as loaded in MedCode: {release.code_count} "
            f"concepts, {release.billable_count} of them billable. Concepts are served by "
            "$lookup, $validate-code and $expand, not listed here."
        ),
        # MedCode matches codes without regard to case (e11.9 is E11.9).
        "caseSensitive": False,
        "valueSet": code_system.url + "?fhir_vs",
        "hierarchyMeaning": "is-a",
        "compositional": False,
        "versionNeeded": False,
        "content": "not-present",
        "count": release.code_count,
        "filter": [dict(f) for f in FILTERS],
        "property": property_definitions(),
    }


def value_set_resource(ref: ValueSetRef, release: pb.Release) -> dict[str, Any]:
    """A listed value set (whole system or billable codes) with its definition, no expansion."""
    code_system = ref.code_system
    label = code_system.system.label
    include: dict[str, Any] = {"system": code_system.url, "version": release.release}
    if ref.billable_only:
        include["filter"] = [{"property": "billable", "op": "=", "value": "true"}]
        name, title = f"{code_system.name}Billable", f"{label} billable codes"
        description = (
            f"The {release.billable_count} {label} codes of release {release.release} that "
            "are reportable on a claim (category and heading codes excluded)."
        )
        publisher = MEDCODE
    else:
        name, title = f"{code_system.name}All", f"All {label} concepts"
        description = (
            f"Every concept of {label} release {release.release} ({release.code_count}), "
            "headings included: the code system's implicit value set."
        )
        publisher = code_system.publisher
    return {
        "resourceType": "ValueSet",
        "id": ref.id,
        "url": ref.url,
        "version": release.release,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        **_date(release),
        "publisher": publisher,
        "description": description + " Expand it with $expand.",
        "compose": {"include": [include]},
    }
