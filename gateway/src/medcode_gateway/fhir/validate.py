"""CodeSystem/$validate-code and ValueSet/$validate-code: is this code valid here, and if not,
why (malformed, not in this release, a heading that is not billable, outside the value set).

A code that is not valid is an answer (200, result false, with the reason in `message`), not
an error; errors (unknown or WHO systems, unknown versions or value sets, bad parameters) are
OperationOutcomes. Neither operation is view-metered (like `POST /v1/codes/validate`); partner
keys pay quota in the quota middleware. The rules are in `validate_verdict`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from medcode_gateway.core.clients import Clients, ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.lookup import check_display_language
from medcode_gateway.fhir.lookup_coding import one_version
from medcode_gateway.fhir.parameters import (
    OperationInput,
    ParamSpec,
    parameters,
    read_input,
    value_parameter,
)
from medcode_gateway.fhir.responses import fhir_response
from medcode_gateway.fhir.systems import FhirCodeSystem, code_system_by_id, code_system_for
from medcode_gateway.fhir.validate_input import Candidate, Scope, candidates
from medcode_gateway.fhir.validate_verdict import CodingCheck, Selection, check_coding
from medcode_gateway.fhir.valuesets import (
    ValueSetRef,
    fhir_base,
    resolve_value_set,
    value_set_by_id,
)

router = APIRouter(prefix="/fhir", tags=["fhir"])

_COMMON = (
    ParamSpec("code", "code"),
    ParamSpec("display", "string"),
    ParamSpec("coding", "Coding"),
    ParamSpec("codeableConcept", "CodeableConcept"),
    ParamSpec("date", "dateTime"),
    ParamSpec("abstract", "boolean"),
    ParamSpec("displayLanguage", "code"),
)
CODE_SYSTEM_INPUTS = (ParamSpec("url", "uri"), ParamSpec("version", "string"), *_COMMON)
VALUE_SET_INPUTS = (
    ParamSpec("url", "uri"),
    ParamSpec("valueSetVersion", "string"),
    ParamSpec("system", "uri"),
    ParamSpec("systemVersion", "string"),
    *_COMMON,
)


async def judge(
    found: list[Candidate], selection: Selection, clients: ServiceClients, version_parameter: str
) -> list[tuple[Candidate, CodingCheck | None]]:
    """Each candidate with its verdict (None when it could not be judged here)."""
    judged: list[tuple[Candidate, CodingCheck | None]] = []
    for candidate in found:
        check = None
        if candidate.target is not None:
            check = await check_coding(
                candidate.target, clients, selection, version_parameter=version_parameter
            )
        judged.append((candidate, check))
    return judged


def outcome_parameters(
    judged: list[tuple[Candidate, CodingCheck | None]], *, several: bool
) -> dict[str, Any]:
    """The Parameters answer: result, message, display, then the code judged and its release."""
    checks = [check for _, check in judged if check is not None]
    valid = [check for check in checks if check.result]
    lines: list[str] = []
    for candidate, check in judged:
        said = [candidate.refusal] if check is None else check.messages
        lines += [f"{candidate.label}: {text}" if several else text for text in said]
    if several and not valid and not checks:
        lines.append("no coding of the CodeableConcept is of a system this operation can judge")
    chosen = valid[0] if valid else (checks[0] if checks else None)
    out = [value_parameter("result", "boolean", bool(valid))]
    if lines:
        out.append(value_parameter("message", "string", "; ".join(lines)))
    if chosen is not None and chosen.display:
        out.append(value_parameter("display", "string", chosen.display))
    if chosen is not None:
        out.append(value_parameter("code", "code", chosen.code))
        out.append(value_parameter("system", "uri", chosen.system))
        out.append(value_parameter("version", "string", chosen.release))
    return parameters(out)


async def validate(
    inputs: OperationInput,
    scope: Scope,
    selection: Selection,
    clients: ServiceClients,
    version_parameter: str,
) -> Response:
    """Judge the request's codings and answer the Parameters."""
    check_display_language(inputs.text("displayLanguage"))
    found, several = candidates(inputs, scope)
    judged = await judge(found, selection, clients, version_parameter)
    return fhir_response(outcome_parameters(judged, several=several))


def _code_system_scope(inputs: OperationInput, instance: FhirCodeSystem | None) -> Scope:
    system = instance
    # `url` is a canonical: `<system>|<release>` names the release as `version` does.
    url, _, url_version = (inputs.text("url") or "").partition("|")
    version = one_version(("version", inputs.text("version")), ("url", url_version))
    if url:
        system = code_system_for(url, parameter="url")
        if instance is not None and instance.url != system.url:
            raise Problem(
                400,
                f"'url' is {system.url} but the URL names CodeSystem/{instance.id} "
                f"({instance.url}); send one system",
                expression=["url"],
            )
    if system is None and inputs.has("code"):
        raise Problem(400, "'url' (the code system) is required with 'code'", expression=["url"])
    against = f"code system {system.url}" if system else "the code system"
    return Scope(system, "url", version, True, against)


async def validate_in_code_system(
    request: Request, clients: ServiceClients, instance: FhirCodeSystem | None
) -> Response:
    """CodeSystem/$validate-code: a heading is valid unless the caller says abstract=false."""
    inputs = await read_input(request, CODE_SYSTEM_INPUTS)
    scope = _code_system_scope(inputs, instance)
    selection = Selection(billable_only=not inputs.flag("abstract", True))
    return await validate(inputs, scope, selection, clients, "version")


def _value_set(inputs: OperationInput, request: Request, resource_id: str | None) -> ValueSetRef:
    base = fhir_base(request)
    url = inputs.text("url")
    by_id = value_set_by_id(resource_id, base) if resource_id is not None else None
    if not url:
        if by_id is None:
            raise Problem(400, "'url' (the value set) is required", expression=["url"])
        return by_id
    named = resolve_value_set(url, base)
    if by_id is not None and (named.code_system, named.root, named.billable_only) != (
        by_id.code_system,
        by_id.root,
        by_id.billable_only,
    ):
        raise Problem(
            400,
            f"'url' names {named.url} but the URL names ValueSet/{resource_id} ({by_id.url})",
            expression=["url"],
        )
    return named


def _release_of_value_set(inputs: OperationInput) -> tuple[str | None, str]:
    """The release asked for: systemVersion or valueSetVersion (a value set here is drawn
    from one release of its system), and the parameter that named it."""
    system_version = inputs.text("systemVersion") or None
    value_set_version = inputs.text("valueSetVersion") or None
    if system_version and value_set_version and system_version != value_set_version:
        raise Problem(
            400,
            f"systemVersion {system_version!r} and valueSetVersion {value_set_version!r} "
            "differ; MedCode's value sets are drawn from one release of their system",
            expression=["valueSetVersion"],
        )
    if value_set_version and not system_version:
        return value_set_version, "valueSetVersion"
    return system_version, "systemVersion"


async def validate_in_value_set(
    request: Request, clients: ServiceClients, resource_id: str | None
) -> Response:
    """ValueSet/$validate-code: membership of the whole system, a subtree or billable codes."""
    inputs = await read_input(request, VALUE_SET_INPUTS)
    ref = _value_set(inputs, request, resource_id)
    version, version_parameter = _release_of_value_set(inputs)
    scope = Scope(ref.code_system, "system", version, False, f"value set {ref.url}")
    billable_only = ref.billable_only or not inputs.flag("abstract", True)
    selection = Selection(billable_only=billable_only, root=ref.root, value_set=ref.url)
    return await validate(inputs, scope, selection, clients, version_parameter)


@router.api_route("/CodeSystem/$validate-code", methods=["GET", "POST"])
async def validate_code_system(request: Request, clients: Clients) -> Response:
    """CodeSystem/$validate-code with the system named by `url` or the codings."""
    return await validate_in_code_system(request, clients, None)


@router.api_route("/CodeSystem/{resource_id}/$validate-code", methods=["GET", "POST"])
async def validate_code_system_instance(
    resource_id: str, request: Request, clients: Clients
) -> Response:
    """CodeSystem/<id>/$validate-code: the system is the one the URL names."""
    return await validate_in_code_system(request, clients, code_system_by_id(resource_id))


@router.api_route("/ValueSet/$validate-code", methods=["GET", "POST"])
async def validate_value_set(request: Request, clients: Clients) -> Response:
    """ValueSet/$validate-code with the value set named by `url`."""
    return await validate_in_value_set(request, clients, None)


@router.api_route("/ValueSet/{resource_id}/$validate-code", methods=["GET", "POST"])
async def validate_value_set_instance(
    resource_id: str, request: Request, clients: Clients
) -> Response:
    """ValueSet/<id>/$validate-code: the value set is the one the URL names."""
    return await validate_in_value_set(request, clients, resource_id)
