"""Operation inputs, read the same way from a GET query string and a POST Parameters body.

FHIR lets a client invoke every operation either way; each operation declares its
parameters once (`ParamSpec`) and reads them through `OperationInput`, so both forms are
checked by the same rules: unknown names, wrong types, repeats of single-valued parameters
and complex types in a query string are 400s that name the parameter at fault.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Request

from medcode_gateway.core.problems import Problem

Kind = Literal[
    "string",
    "code",
    "uri",
    "canonical",
    "boolean",
    "integer",
    "dateTime",
    "Coding",
    "CodeableConcept",
    "Resource",
]

#: The value[x] element names a POST parameter of each kind may use (FHIR clients are
#: inconsistent about uri/canonical/string, so the compatible spellings are all accepted).
VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "string": ("valueString",),
    "code": ("valueCode", "valueString"),
    "uri": ("valueUri", "valueUrl", "valueCanonical", "valueString"),
    "canonical": ("valueCanonical", "valueUri", "valueUrl", "valueString"),
    "boolean": ("valueBoolean",),
    "integer": ("valueInteger", "valueUnsignedInt", "valuePositiveInt"),
    "dateTime": ("valueDateTime", "valueDate", "valueString"),
    "Coding": ("valueCoding",),
    "CodeableConcept": ("valueCodeableConcept",),
    "Resource": ("resource",),
}
#: Kinds a query string cannot carry.
COMPLEX_KINDS = frozenset({"Coding", "CodeableConcept", "Resource"})
#: Query parameters every FHIR interaction may carry; `_format` is checked, the rest ignored.
GENERAL_PARAMETERS = frozenset({"_format", "_pretty", "_summary", "_elements"})
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json", "fhir+json"})
MAX_PARAMETERS = 100
MAX_TEXT = 4096
POST_MEDIA_TYPES = ("application/fhir+json", "application/json")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One input parameter an operation accepts."""

    name: str
    kind: Kind
    repeats: bool = False


@dataclass(slots=True)
class OperationInput:
    """An operation's parsed inputs: Python values by parameter name, in the order given."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the parameter was given."""
        return bool(self.values.get(name))

    def first(self, name: str) -> Any | None:
        """The parameter's (first) value, or None."""
        found = self.values.get(name)
        return found[0] if found else None

    def every(self, name: str) -> list[Any]:
        """Every value of a repeating parameter."""
        return list(self.values.get(name, ()))

    def text(self, name: str) -> str | None:
        """A string-like parameter, stripped; None when absent."""
        value = self.first(name)
        return value.strip() if isinstance(value, str) else None

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean parameter, or the default."""
        value = self.first(name)
        return value if isinstance(value, bool) else default

    def integer(self, name: str) -> int | None:
        """An integer parameter, or None."""
        value = self.first(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bad(name: str, message: str, *, status: int = 400, code: str = "invalid") -> Problem:
    return Problem(status, message, fhir_code=code, expression=[name])


def _convert_text(name: str, kind: Kind, raw: str) -> Any:
    """A query-string (or valueString) value as the kind's Python value."""
    if len(raw) > MAX_TEXT:
        raise _bad(name, f"parameter {name!r} is longer than {MAX_TEXT} characters")
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise _bad(name, f"parameter {name!r} must be true or false, got {raw!r}")
        return raw == "true"
    if kind == "integer":
        if not raw.strip().lstrip("-").isdigit() or len(raw.strip()) > 10:
            raise _bad(name, f"parameter {name!r} must be a whole number, got {raw!r}")
        return int(raw)
    if kind in COMPLEX_KINDS:
        raise _bad(
            name,
            f"parameter {name!r} is a {kind}, which a query string cannot carry; "
            "POST a Parameters resource instead",
        )
    return raw


def _check_format(values: Iterable[str]) -> None:
    for value in values:
        if value.strip().lower() not in JSON_FORMATS:
            raise _bad(
                "_format",
                f"_format {value!r} is not served: MedCode answers FHIR in JSON only",
                status=406,
                code="not-supported",
            )


def _checked_spec(name: str, specs: dict[str, ParamSpec]) -> ParamSpec:
    if name not in specs:
        accepted = ", ".join(sorted(specs))
        raise _bad(
            name,
            f"unknown parameter {name!r}; this operation accepts: {accepted}",
            code="not-supported",
        )
    return specs[name]


def _add(parsed: OperationInput, spec: ParamSpec, value: Any) -> None:
    found = parsed.values.setdefault(spec.name, [])
    if found and not spec.repeats:
        raise _bad(spec.name, f"parameter {spec.name!r} may be given only once")
    found.append(value)


def from_query(
    items: Sequence[tuple[str, str]], specs: Sequence[ParamSpec], parsed: OperationInput
) -> OperationInput:
    """Read query-string parameters into `parsed`."""
    by_name = {spec.name: spec for spec in specs}
    if len(items) > MAX_PARAMETERS:
        raise Problem(400, f"at most {MAX_PARAMETERS} parameters may be given")
    _check_format(value for name, value in items if name == "_format")
    for name, raw in items:
        if name in GENERAL_PARAMETERS:
            continue
        spec = _checked_spec(name, by_name)
        _add(parsed, spec, _convert_text(name, spec.kind, raw))
    return parsed


def _checked_complex(name: str, kind: Kind, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(name, f"parameter {name!r} must be a {kind} object")
    if kind == "Coding":
        for key in ("system", "code", "version", "display"):
            if key in value and not isinstance(value[key], str):
                raise _bad(name, f"parameter {name!r}: Coding.{key} must be a string")
    if kind == "CodeableConcept":
        codings = value.get("coding", [])
        if not isinstance(codings, list) or not codings:
            raise _bad(name, f"parameter {name!r}: CodeableConcept.coding must list codings")
        for coding in codings:
            _checked_complex(name, "Coding", coding)
    if kind == "Resource" and not isinstance(value.get("resourceType"), str):
        raise _bad(name, f"parameter {name!r}: the resource has no resourceType")
    return value


def _value_of(entry: dict[str, Any], spec: ParamSpec) -> Any:
    """The Python value of one Parameters.parameter entry, checked against its spec."""
    name = spec.name
    present = [key for key in entry if key.startswith("value") or key in ("resource", "part")]
    if len(present) != 1:
        raise _bad(name, f"parameter {name!r} must carry exactly one value")
    key = present[0]
    accepted = VALUE_KEYS[spec.kind]
    if key not in accepted:
        raise _bad(name, f"parameter {name!r} must be given as {' or '.join(accepted)}")
    value = entry[key]
    if spec.kind in COMPLEX_KINDS:
        return _checked_complex(name, spec.kind, value)
    if spec.kind == "boolean":
        if not isinstance(value, bool):
            raise _bad(name, f"parameter {name!r} must be a JSON true or false")
        return value
    if spec.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(name, f"parameter {name!r} must be a JSON whole number")
        return value
    if not isinstance(value, str):
        raise _bad(name, f"parameter {name!r} must be a JSON string")
    return _convert_text(name, spec.kind, value)


def from_parameters(
    body: Any, specs: Sequence[ParamSpec], parsed: OperationInput
) -> OperationInput:
    """Read a Parameters resource (already decoded JSON) into `parsed`."""
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise Problem(
            400,
            "the body must be a FHIR Parameters resource (resourceType Parameters)",
            fhir_code="structure",
        )
    entries = body.get("parameter", [])
    if not isinstance(entries, list):
        raise Problem(400, "Parameters.parameter must be a list", fhir_code="structure")
    if len(entries) > MAX_PARAMETERS:
        raise Problem(400, f"at most {MAX_PARAMETERS} parameters may be given")
    by_name = {spec.name: spec for spec in specs}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise Problem(400, "every Parameters.parameter needs a name", fhir_code="structure")
        spec = _checked_spec(entry["name"], by_name)
        _add(parsed, spec, _value_of(entry, spec))
    return parsed


async def read_input(request: Request, specs: Sequence[ParamSpec]) -> OperationInput:
    """The operation's inputs from the query string and, for POST, the Parameters body."""
    parsed = from_query(request.query_params.multi_items(), specs, OperationInput())
    if request.method != "POST":
        return parsed
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in POST_MEDIA_TYPES:
        raise Problem(
            415,
            f"POST a Parameters resource as application/fhir+json, not {media_type or 'nothing'}",
            fhir_code="not-supported",
        )
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        raise Problem(400, "the body is not valid JSON", fhir_code="structure") from None
    return from_parameters(body, specs, parsed)


def value_parameter(name: str, kind: str, value: Any) -> dict[str, Any]:
    """One output parameter: {"name": ..., "value<Kind>": ...}."""
    return {"name": name, f"value{kind[0].upper()}{kind[1:]}": value}


def part_parameter(name: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One output parameter made of parts (a designation, a property, a match)."""
    return {"name": name, "part": parts}


def parameters(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A Parameters resource of the given entries (FHIR forbids an empty list, so none
    means no `parameter` element)."""
    listed = list(entries)
    return {"resourceType": "Parameters", **({"parameter": listed} if listed else {})}
