"""$translate's inputs: the codes to translate, and which loaded GEMs may answer them
(from the path, `url`, `reverse`, `targetsystem` and the `source`/`target` value sets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir import systems
from medcode_gateway.fhir.conceptmaps import (
    BY_ID,
    GemMap,
    LoadedGems,
    not_loaded_problem,
    opposite,
)
from medcode_gateway.fhir.parameters import OperationInput, ParamSpec

TRANSLATE_INPUT = (
    ParamSpec("url", "uri"),
    ParamSpec("conceptMap", "Resource"),
    ParamSpec("conceptMapVersion", "string"),
    ParamSpec("code", "code"),
    ParamSpec("system", "uri"),
    ParamSpec("version", "string"),
    ParamSpec("source", "uri"),
    ParamSpec("coding", "Coding"),
    ParamSpec("codeableConcept", "CodeableConcept"),
    ParamSpec("target", "uri"),
    ParamSpec("targetsystem", "uri"),
    ParamSpec("reverse", "boolean"),
)
#: The systems some GEM translates from or to.
GEM_SYSTEM_URLS = frozenset({systems.ICD9CM_URL, systems.ICD10CM_URL, systems.ICD10PCS_URL})


@dataclass(frozen=True, slots=True)
class SourceCoding:
    """One code to translate and the input parameter it came from."""

    system: str | None
    code: str
    version: str | None
    parameter: str


def bad(message: str, parameter: str, *, status: int = 400, code: str = "invalid") -> Problem:
    return Problem(status, message, fhir_code=code, expression=[parameter])


def _coding(value: dict[str, Any], parameter: str) -> SourceCoding:
    code = (value.get("code") or "").strip()
    system = (value.get("system") or "").strip()
    if not code or not system:
        raise bad(f"{parameter!r} needs both a system and a code", parameter)
    return SourceCoding(system, code, (value.get("version") or "").strip() or None, parameter)


def source_codings(parsed: OperationInput) -> list[SourceCoding]:
    """The codes to translate: code (+ system, version), coding or codeableConcept."""
    given = [name for name in ("code", "coding", "codeableConcept") if parsed.has(name)]
    if len(given) != 1:
        raise bad(
            "give exactly one of code (with system), coding or codeableConcept",
            given[1] if len(given) > 1 else "code",
        )
    stray = [name for name in ("system", "version") if parsed.has(name)]
    if given[0] != "code" and stray:
        raise bad(
            f"{stray[0]!r} goes with 'code'; a {given[0]} carries its own system and version",
            stray[0],
        )
    if given[0] == "coding":
        return [_coding(parsed.every("coding")[0], "coding")]
    if given[0] == "codeableConcept":
        concept: dict[str, Any] = parsed.every("codeableConcept")[0]
        return [_coding(coding, "codeableConcept") for coding in concept["coding"]]
    code = parsed.text("code") or ""
    if not code:
        raise bad("'code' must not be empty", "code")
    return [SourceCoding(parsed.text("system"), code, parsed.text("version"), "code")]


def checked_system_url(url: str, parameter: str) -> str:
    """A code system URI some GEM uses; otherwise the core's Problem (WHO ICD-10, aliases,
    unknown), or a 404 for a served system no GEM covers."""
    url = url.strip()
    if url in GEM_SYSTEM_URLS:
        return url
    served = systems.code_system_for(url, parameter=parameter)
    raise bad(
        f"no ConceptMap translates {served.system.label} codes: the GEMs cover ICD-9-CM, "
        "ICD-10-CM and ICD-10-PCS",
        parameter,
        status=404,
        code="not-found",
    )


def _value_set_system(url: str, parameter: str) -> str:
    """The system of an implicit value set URL (or of a bare system URI)."""
    return checked_system_url(url.split("?", 1)[0], parameter)


def _named_map(
    parsed: OperationInput, resource_id: str | None, loaded: LoadedGems, base: str
) -> GemMap | None:
    """The map the path or `url` names (loaded), or None when neither names one."""
    named: GemMap | None = None
    if resource_id is not None:
        named = BY_ID.get(resource_id)
        if named is None:
            raise Problem(404, f"no ConceptMap with id {resource_id!r}", fhir_code="not-found")
    url = parsed.text("url")
    if url is not None:
        url = url.split("|", 1)[0]  # a canonical|version: the version is checked below
        by_url = next((gem for gem in BY_ID.values() if gem.url(base) == url), None)
        if by_url is None:
            raise bad(
                f"unknown ConceptMap {url!r}; GET {base}/ConceptMap lists them",
                "url",
                status=404,
                code="not-found",
            )
        if named is not None and by_url != named:
            raise bad(f"url {url!r} names another map than {resource_id!r}", "url")
        named = by_url
    if named is not None and not loaded.is_loaded(named):
        raise not_loaded_problem(named)
    return named


def _map_versions(parsed: OperationInput) -> list[tuple[str, str]]:
    """The map versions asked for: `conceptMapVersion`, and a `url` written canonical|version."""
    found = []
    if (version := parsed.text("conceptMapVersion")) is not None:
        found.append(("conceptMapVersion", version))
    if "|" in (url := parsed.text("url") or ""):
        found.append(("url", url.split("|", 1)[1]))
    return found


def chosen_maps(
    parsed: OperationInput, resource_id: str | None, loaded: LoadedGems, base: str
) -> list[GemMap]:
    """The maps (in the direction they are read) that may answer, before the code's system."""
    named = _named_map(parsed, resource_id, loaded, base)
    maps = [named] if named else list(loaded.maps)
    reverse = parsed.flag("reverse")
    if reverse:
        if named is not None and not loaded.is_loaded(opposite(named)):
            raise not_loaded_problem(opposite(named), parameter="reverse")
        maps = [opposite(gem) for gem in maps if loaded.is_loaded(opposite(gem))]
    for parameter, version in _map_versions(parsed):
        if version != loaded.release:
            raise bad(
                f"GEMs release {version!r} is not loaded; loaded: {loaded.release or 'none'}",
                parameter,
                status=404,
                code="not-found",
            )
    targetsystem = parsed.text("targetsystem")
    if targetsystem is not None:
        wanted = checked_system_url(targetsystem, "targetsystem")
        maps = [gem for gem in maps if gem.target_url == wanted]
    # reverse swaps what `source` and `target` describe (R4 $translate).
    given, sought = ("target", "source") if reverse else ("source", "target")
    for parameter, side in ((given, "source"), (sought, "target")):
        value = parsed.text(parameter)
        if value is not None:
            wanted = _value_set_system(value, parameter)
            maps = [gem for gem in maps if getattr(gem, f"{side}_url") == wanted]
    return maps
