"""ValueSet/$expand's inputs, checked once for GET and POST: which value set, which release,
which page, and the options MedCode honours (or refuses with a reason)."""

from __future__ import annotations

from dataclasses import dataclass

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.parameters import OperationInput, ParamSpec
from medcode_gateway.fhir.systems import BY_URL, WHO_ICD10_URL, who_icd10_problem
from medcode_gateway.fhir.valuesets import ValueSetRef, resolve_value_set, value_set_by_id

#: Parameters that name the release of a system as `<system-url>|<release>`: the value sets
#: MedCode serves pin no release, so forcing, checking and defaulting all pick the same one.
SYSTEM_VERSION_PARAMETERS = ("system-version", "force-system-version", "check-system-version")

SPECS = (
    ParamSpec("url", "uri"),
    ParamSpec("valueSet", "Resource"),
    ParamSpec("valueSetVersion", "string"),
    ParamSpec("filter", "string"),
    ParamSpec("count", "integer"),
    ParamSpec("offset", "integer"),
    ParamSpec("includeDesignations", "boolean"),
    ParamSpec("includeDefinition", "boolean"),
    ParamSpec("activeOnly", "boolean"),
    ParamSpec("excludeNested", "boolean"),
    ParamSpec("excludeNotForUI", "boolean"),
    ParamSpec("excludePostCoordinated", "boolean"),
    ParamSpec("displayLanguage", "code"),
    *(ParamSpec(name, "canonical", repeats=True) for name in SYSTEM_VERSION_PARAMETERS),
)
#: Page size when the client sets none, and the largest page one request may ask for (a
#: whole code system is paged through, never expanded in one answer).
DEFAULT_COUNT, MAX_COUNT = 100, 1000
#: How deep a filtered expansion may page: ranking deeper costs more than it helps.
MAX_FILTERED_END = 10_000
MAX_FILTER_LENGTH = 256


@dataclass(frozen=True, slots=True)
class ExpandInputs:
    """What one $expand asks for, checked."""

    value_set: ValueSetRef
    #: The release asked for (a release id), and the parameter that named it; None: newest.
    version: str | None
    version_parameter: str
    filter: str
    count: int
    offset: int
    include_designations: bool
    #: Only billable codes: the value set's own rule or `excludeNotForUI`.
    billable_only: bool
    #: The inputs given, echoed in `expansion.parameter` as (name, FHIR type, value).
    echoed: tuple[tuple[str, str, object], ...]


def _which_value_set(parsed: OperationInput, base: str, resource_id: str | None) -> ValueSetRef:
    if parsed.has("valueSet"):
        raise Problem(
            400,
            "MedCode expands only the value sets it serves; name one with 'url' (or GET "
            f"{base}/ValueSet for the list) instead of sending a ValueSet resource",
            fhir_code="not-supported",
            expression=["valueSet"],
        )
    url = (parsed.text("url") or "").partition("|")[0].strip() or None
    if resource_id is not None:
        listed = value_set_by_id(resource_id, base)
        if url is not None and resolve_value_set(url, base).url != listed.url:
            raise Problem(
                400,
                f"'url' {url!r} is not the value set {listed.url} this request is addressed to",
                expression=["url"],
            )
        return listed
    if url is None:
        raise Problem(
            400,
            "name the value set to expand with 'url' (e.g. "
            "http://hl7.org/fhir/sid/icd-10-cm?fhir_vs)",
            fhir_code="required",
            expression=["url"],
        )
    return resolve_value_set(url, base)


def _release_asked(parsed: OperationInput, value_set: ValueSetRef) -> tuple[str | None, str]:
    """(release id, the parameter naming it) from system-version and valueSetVersion."""
    asked: dict[str, str] = {}
    for name in SYSTEM_VERSION_PARAMETERS:
        for raw in parsed.every(name):
            system_url, bar, version = str(raw).strip().partition("|")
            if not bar or not system_url or not version.strip():
                raise Problem(
                    400,
                    f"{name!r} must be <system-url>|<release>, e.g. "
                    f"{value_set.code_system.url}|2026-04-01; got {raw!r}",
                    expression=[name],
                )
            if system_url.rstrip("/") == WHO_ICD10_URL:
                raise who_icd10_problem(name)
            if BY_URL.get(system_url) is value_set.code_system:  # others: not in this set
                asked.setdefault(version.strip(), name)
    # A value set's version is its system's release: the url's `|version` or valueSetVersion.
    pinned = (parsed.text("url") or "").partition("|")[2].strip()
    for given, name in ((pinned, "url"), (parsed.text("valueSetVersion"), "valueSetVersion")):
        if given:
            asked.setdefault(given, name)
    if len(asked) > 1:
        raise Problem(
            400,
            f"conflicting releases asked for {value_set.code_system.url}: "
            + ", ".join(f"{version} ({name})" for version, name in asked.items()),
            expression=sorted(set(asked.values())),
        )
    for version, name in asked.items():
        return version, name
    return None, ""


def _page(parsed: OperationInput, filtered: bool) -> tuple[int, int]:
    count = parsed.integer("count")
    offset = parsed.integer("offset")
    count = DEFAULT_COUNT if count is None else count
    offset = 0 if offset is None else offset
    if count < 0:
        raise Problem(400, f"'count' must be 0 or more, got {count}", expression=["count"])
    if offset < 0:
        raise Problem(400, f"'offset' must be 0 or more, got {offset}", expression=["offset"])
    if count > MAX_COUNT:
        raise Problem(
            400,
            f"'count' {count} is too large: at most {MAX_COUNT} concepts per page; page "
            "through the expansion with 'offset'",
            fhir_code="too-costly",
            expression=["count"],
        )
    if filtered and offset + count > MAX_FILTERED_END:
        raise Problem(
            400,
            f"a filtered expansion is ranked; pages end by match {MAX_FILTERED_END} "
            f"(offset + count is {offset + count}): refine 'filter' instead",
            fhir_code="too-costly",
            expression=["offset"],
        )
    return count, offset


def _checked_filter(parsed: OperationInput) -> str:
    text = parsed.text("filter") or ""
    if len(text) > MAX_FILTER_LENGTH:
        raise Problem(
            400,
            f"'filter' is {len(text)} characters; at most {MAX_FILTER_LENGTH}",
            expression=["filter"],
        )
    return text


def _check_language(parsed: OperationInput) -> None:
    language = parsed.text("displayLanguage")
    if language is not None and language.lower().split("-")[0] != "en":
        raise Problem(
            400,
            f"displayLanguage {language!r} is not served: MedCode's displays are in English "
            "(en) only",
            fhir_code="not-supported",
            expression=["displayLanguage"],
        )


def expand_inputs(parsed: OperationInput, *, base: str, resource_id: str | None) -> ExpandInputs:
    """The checked inputs of one $expand, or a Problem naming the parameter at fault."""
    value_set = _which_value_set(parsed, base, resource_id)
    version, version_parameter = _release_asked(parsed, value_set)
    text = _checked_filter(parsed)
    count, offset = _page(parsed, bool(text))
    _check_language(parsed)
    echoed: list[tuple[str, str, object]] = []
    if text:
        echoed.append(("filter", "string", text))
    for name in ("includeDesignations", "activeOnly", "excludeNotForUI", "excludeNested"):
        if parsed.has(name):
            echoed.append((name, "boolean", parsed.flag(name)))
    if parsed.has("displayLanguage"):
        echoed.append(("displayLanguage", "code", parsed.text("displayLanguage")))
    echoed += [("offset", "integer", offset), ("count", "integer", count)]
    return ExpandInputs(
        value_set=value_set,
        version=version,
        version_parameter=version_parameter,
        filter=text,
        count=count,
        offset=offset,
        include_designations=parsed.flag("includeDesignations"),
        billable_only=value_set.billable_only or parsed.flag("excludeNotForUI"),
        echoed=tuple(echoed),
    )
