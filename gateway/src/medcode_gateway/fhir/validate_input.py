"""The codings a $validate-code request asks about: `code` (+ system), `coding` or every coding
of a `codeableConcept`, each tied to its system and the requested release.

A CodeableConcept routinely carries codings of systems MedCode does not serve (SNOMED CT
beside ICD-10-CM); those are not errors, they just cannot make the concept valid, so they
become `Candidate`s with the reason. A single code of an unserved system is an error
(OperationOutcome), because nothing can be judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.lookup_coding import CodingTarget, as_of_date
from medcode_gateway.fhir.parameters import OperationInput
from medcode_gateway.fhir.systems import FhirCodeSystem, code_system_for

FORMS = ("code", "coding", "codeableConcept")


@dataclass(frozen=True, slots=True)
class Scope:
    """What the operation validates against."""

    #: The system the URL, `url` or the value set names; None when only codings name it.
    system: FhirCodeSystem | None
    #: The parameter that names the code's system ("url" or "system").
    system_parameter: str
    #: The release asked for (a release id), if any.
    version: str | None
    #: A system other than `system` is an error (CodeSystem) rather than a "no" (ValueSet).
    other_system_is_error: bool
    #: What the codes are validated against, for messages ("value set ...").
    against: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One coding to judge, or why it cannot be judged here."""

    label: str
    target: CodingTarget | None
    refusal: str = ""


def _form(inputs: OperationInput) -> str:
    given = [form for form in FORMS if inputs.has(form)]
    if len(given) != 1:
        raise Problem(
            400,
            "give exactly one of 'code', 'coding' or 'codeableConcept'"
            + (f" (got {', '.join(given)})" if given else ""),
            expression=list(given or FORMS),
        )
    return given[0]


def _version(scope: Scope, coding_version: Any, parameter: str) -> str | None:
    if not isinstance(coding_version, str) or not coding_version.strip():
        return scope.version
    if scope.version and scope.version != coding_version.strip():
        raise Problem(
            400,
            f"{parameter}.version is {coding_version!r} but the request asks for version "
            f"{scope.version!r}; ask for one release",
            expression=[f"{parameter}.version"],
        )
    return coding_version.strip()


def _candidate(
    coding: dict[str, Any], *, scope: Scope, parameter: str, lenient: bool, as_of: str | None
) -> Candidate:
    """A coding as a Candidate; `lenient` turns an unusable system into a refusal."""
    code = coding.get("code")
    url = coding.get("system")
    label = f"{url}|{code}" if url else str(code)
    where = scope.system_parameter if parameter == "code" else f"{parameter}.system"
    if not isinstance(code, str) or not code.strip():
        raise Problem(400, f"{parameter!r} has a coding without a code", expression=[parameter])
    system = scope.system
    if isinstance(url, str) and url.strip():
        try:
            system = code_system_for(url, parameter=where)
        except Problem as problem:
            if not lenient:
                raise
            return Candidate(label, None, problem.detail)
    if system is None:
        if lenient:
            return Candidate(label, None, f"the coding {code!r} names no system")
        raise Problem(
            400, f"{parameter!r} needs a system for code {code!r}", expression=[parameter]
        )
    if scope.system is not None and system.url != scope.system.url:
        refusal = f"{system.url} is not the system of {scope.against} ({scope.system.url})"
        if scope.other_system_is_error and not lenient:
            raise Problem(400, refusal, expression=[where])
        return Candidate(label, None, refusal)
    display = coding.get("display")
    version = _version(scope, coding.get("version"), parameter)
    target = CodingTarget(system, code.strip(), version, as_of, display or None)
    return Candidate(label, target)


def candidates(inputs: OperationInput, scope: Scope) -> tuple[list[Candidate], bool]:
    """The codings to judge and whether they came from a CodeableConcept (any may be valid)."""
    as_of = as_of_date(inputs.text("date"))
    form = _form(inputs)
    if form == "codeableConcept":
        concept: dict[str, Any] = inputs.first("codeableConcept") or {}
        found = [
            _candidate(c, scope=scope, parameter=form, lenient=True, as_of=as_of)
            for c in concept["coding"]
        ]
        return found, True
    if form == "coding":
        coding: dict[str, Any] = inputs.first("coding") or {}
        return [_candidate(coding, scope=scope, parameter=form, lenient=False, as_of=as_of)], False
    coding = {
        "code": inputs.text("code"),
        # CodeSystem/$validate-code's `url` may carry `|<release>`; the scope read it.
        "system": (inputs.text(scope.system_parameter) or "").partition("|")[0] or None,
        "display": inputs.text("display"),
    }
    return [_candidate(coding, scope=scope, parameter="code", lenient=False, as_of=as_of)], False
