"""CodeSystem/$lookup: one concept's display, designations and properties.

A lookup shows what a code page shows, so it is charged like `GET /v1/codes/{system}/{code}`:
guests and free accounts spend a view (a repeat within 24 h is free), partner keys pay quota
in the quota middleware, Pro and internal plans pass. Only a code that was found is charged.
"""

from __future__ import annotations

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import Response

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.auth.caller import Caller, CallerDep, remember_guest
from medcode_gateway.codes.render import SYSTEM_BY_ENUM
from medcode_gateway.core.clients import Clients, ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.lookup_coding import (
    CodingTarget,
    check_release,
    elsewhere,
    releases_with_code,
    single_target,
)
from medcode_gateway.fhir.lookup_properties import lookup_parameters, wanted_properties
from medcode_gateway.fhir.parameters import ParamSpec, parameters, read_input
from medcode_gateway.fhir.responses import fhir_response
from medcode_gateway.fhir.systems import FhirCodeSystem, code_system_by_id
from medcode_gateway.metering.views import charge_view, view_limit_problem

router = APIRouter(prefix="/fhir", tags=["fhir"])

LOOKUP_INPUTS = (
    ParamSpec("code", "code"),
    ParamSpec("system", "uri"),
    ParamSpec("version", "string"),
    ParamSpec("coding", "Coding"),
    ParamSpec("date", "dateTime"),
    ParamSpec("displayLanguage", "code"),
    ParamSpec("property", "code", repeats=True),
)


def check_display_language(language: str | None) -> None:
    """400 unless the requested display language is English (the only one served)."""
    if language is None or not language:
        return
    ranges = [part.split(";")[0].strip().lower() for part in language.split(",")]
    if any(r == "*" or r == "en" or r.startswith("en-") for r in ranges):
        return
    raise Problem(
        400,
        f"displayLanguage {language!r} is not served: MedCode's displays are in English (en)",
        fhir_code="not-supported",
        expression=["displayLanguage"],
    )


async def read_code(target: CodingTarget, clients: ServiceClients) -> pb.Code:
    """The code record, or the OperationOutcome-bound problem for a bad or unknown code."""
    await check_release(target, clients)
    request = pb.GetCodeRequest(
        system=target.code_system.system.proto, code=target.code, release=target.selector()
    )
    try:
        reply = await clients.codes.GetCode(request, timeout=clients.timeout)
    except grpc.aio.AioRpcError as error:
        detail = error.details() or error.code().name
        if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            raise Problem(400, detail, fhir_code="code-invalid", expression=["code"]) from None
        if error.code() == grpc.StatusCode.NOT_FOUND:
            releases = await releases_with_code(target, clients)
            asked = target.version or ""
            detail += elsewhere(releases, asked) if asked else ""
            raise Problem(404, detail, fhir_code="not-found", expression=["code"]) from None
        raise
    return reply.code


async def lookup(
    request: Request, caller: Caller, clients: ServiceClients, instance: FhirCodeSystem | None
) -> Response:
    """Look the concept up, charge the caller's view, answer the Parameters."""
    inputs = await read_input(request, LOOKUP_INPUTS)
    check_display_language(inputs.text("displayLanguage"))
    target = single_target(inputs, instance=instance)
    code = await read_code(target, clients)
    outcome = await charge_view(
        caller=caller, system=SYSTEM_BY_ENUM[code.system], code=code.code, clients=clients
    )
    if not outcome.allowed:
        refused = view_limit_problem(caller=caller, outcome=outcome, instance=request.url.path)
        remember_guest(refused, caller, request)
        return refused
    wanted = wanted_properties(inputs.every("property"))
    response = fhir_response(parameters(lookup_parameters(code, target.code_system, wanted)))
    if outcome.remaining is not None:
        response.headers["X-Views-Remaining"] = str(outcome.remaining)
    remember_guest(response, caller, request)
    return response


@router.api_route("/CodeSystem/$lookup", methods=["GET", "POST"])
async def lookup_code(request: Request, caller: CallerDep, clients: Clients) -> Response:
    """CodeSystem/$lookup with the system named by `system` or `coding.system`."""
    return await lookup(request, caller, clients, None)


@router.api_route("/CodeSystem/{resource_id}/$lookup", methods=["GET", "POST"])
async def lookup_code_in(
    resource_id: str, request: Request, caller: CallerDep, clients: Clients
) -> Response:
    """CodeSystem/<id>/$lookup: the system is the one the URL names."""
    return await lookup(request, caller, clients, code_system_by_id(resource_id))
