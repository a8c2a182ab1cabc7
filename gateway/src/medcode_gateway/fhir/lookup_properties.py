"""A code record as $lookup output: name, version, display, designations and properties.

Everything a coder reads on a code page that FHIR can carry is a property here (hierarchy,
billable, kind, every instructional note, the 7th characters), so a partner system gets the
same facts as the JSON API; `PROPERTY_DEFINITIONS` lists them for the CodeSystem resource.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.fhir.designations import designations
from medcode_gateway.fhir.parameters import part_parameter, value_parameter
from medcode_gateway.fhir.systems import FhirCodeSystem

#: The property code of each instructional note type (CDC tabular XML names, FHIR spelling).
NOTE_PROPERTIES: dict[int, str] = {
    pb.NOTE_TYPE_INCLUDES: "includes",
    pb.NOTE_TYPE_INCLUSION_TERM: "inclusion-term",
    pb.NOTE_TYPE_EXCLUDES1: "excludes1",
    pb.NOTE_TYPE_EXCLUDES2: "excludes2",
    pb.NOTE_TYPE_CODE_FIRST: "code-first",
    pb.NOTE_TYPE_USE_ADDITIONAL_CODE: "use-additional-code",
    pb.NOTE_TYPE_CODE_ALSO: "code-also",
    pb.NOTE_TYPE_NOTE: "note",
    pb.NOTE_TYPE_SEVENTH_CHARACTER_NOTE: "seventh-character-note",
}

#: Every property $lookup returns: (code, FHIR type, description), for CodeSystem.property.
PROPERTY_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("parent", "code", "The parent node in the classification hierarchy"),
    ("child", "code", "A direct child node, in tabular order"),
    ("abstract", "boolean", "True when the node is not reportable (a heading, not a code)"),
    ("billable", "boolean", "True when the code is reportable on a claim"),
    ("kind", "code", "Hierarchy level: chapter, section, category, subcategory, code, ..."),
    ("includes", "string", "An Includes note that applies"),
    ("inclusion-term", "string", "An inclusion term"),
    ("excludes1", "string", "An Excludes1 note: never report together"),
    ("excludes2", "string", "An Excludes2 note: not included here; both may be reported"),
    ("code-first", "string", "A Code first note: sequence the underlying condition first"),
    ("use-additional-code", "string", "A Use additional code note"),
    ("code-also", "string", "A Code also note"),
    ("note", "string", "A general instructional note"),
    ("seventh-character-note", "string", "A note about the 7th characters"),
    ("seventh-character", "string", "A 7th character that applies, with its meaning"),
)
#: The `property` value that asks for designations (FHIR defines it for every code system).
DESIGNATION = "designation"
#: A `property` value some clients send to ask for everything.
EVERYTHING = "*"


def property_part(
    code: str, kind: str, value: Any, description: str | None = None
) -> dict[str, Any]:
    """One `property` output parameter: its code, value[x] and (optional) description."""
    parts = [value_parameter("code", "code", code), value_parameter("value", kind, value)]
    if description:
        parts.append(value_parameter("description", "string", description))
    return part_parameter("property", parts)


def designation_part(designation: dict[str, Any]) -> dict[str, Any]:
    """One `designation` output parameter from a designation element."""
    return part_parameter(
        "designation",
        [
            value_parameter("language", "code", designation["language"]),
            value_parameter("use", "Coding", designation["use"]),
            value_parameter("value", "string", designation["value"]),
        ],
    )


def _hierarchy(code: pb.Code) -> list[dict[str, Any]]:
    found = []
    if code.HasField("parent"):
        found.append(property_part("parent", "code", code.parent.code, code.parent.title))
    found += [property_part("child", "code", c.code, c.title) for c in code.children]
    found.append(property_part("abstract", "boolean", not code.billable))
    found.append(property_part("billable", "boolean", code.billable))
    if code.kind:
        found.append(property_part("kind", "code", code.kind))
    return found


def _notes(code: pb.Code) -> list[dict[str, Any]]:
    found = []
    for note in code.notes:
        name = NOTE_PROPERTIES.get(note.type, "note")
        source = note.source_code or code.code
        description = f"inherited from {source}" if source != code.code else None
        found.append(property_part(name, "string", note.text, description))
    for seventh in code.seventh_characters:
        source = seventh.source_code or code.code
        description = f"defined at {source}" if source != code.code else None
        value = f"{seventh.character}: {seventh.description}"
        found.append(property_part("seventh-character", "string", value, description))
    return found


def wanted_properties(requested: Collection[str]) -> frozenset[str] | None:
    """The property codes asked for; None means "the server's choice" (everything)."""
    names = frozenset(name.strip() for name in requested if name and name.strip())
    if not names or EVERYTHING in names:
        return None
    return names


def lookup_parameters(
    code: pb.Code, code_system: FhirCodeSystem, wanted: frozenset[str] | None
) -> list[dict[str, Any]]:
    """The $lookup output parameters of one code: name, version and display always, then the
    designations and properties asked for (all of them when `wanted` is None)."""
    found = [
        value_parameter("name", "string", code_system.title),
        value_parameter("version", "string", code.release),
        value_parameter("display", "string", code.title),
    ]
    if wanted is None or DESIGNATION in wanted:
        found += [designation_part(d) for d in designations(code.title, code.plain_description)]
    for part in _hierarchy(code) + _notes(code):
        if wanted is None or part["part"][0]["valueCode"] in wanted:
            found.append(part)
    return found
