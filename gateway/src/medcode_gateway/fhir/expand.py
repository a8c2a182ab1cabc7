"""ValueSet/$expand: the concepts of a value set MedCode serves, one page at a time.

Whole code systems, is-a subtrees (7th-character codes included: they are nodes) and the
billable codes are listed in tabular order with an exact `total`; with `filter` the page
follows MedCode's search ranking instead (see `expand_pages`). Not view-metered, like
search: an expansion names codes, it does not show code pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from medcode_gateway.core.clients import Clients
from medcode_gateway.fhir.expand_inputs import SPECS, expand_inputs
from medcode_gateway.fhir.expand_pages import chosen_release, filtered_page, listed_page
from medcode_gateway.fhir.expand_render import plain_descriptions, value_set_resource
from medcode_gateway.fhir.parameters import read_input
from medcode_gateway.fhir.responses import FhirResponse, fhir_response
from medcode_gateway.fhir.valuesets import fhir_base

router = APIRouter(prefix="/fhir", tags=["fhir"])


async def _expand(request: Request, clients: Clients, resource_id: str | None) -> FhirResponse:
    parsed = await read_input(request, SPECS)
    inputs = expand_inputs(parsed, base=fhir_base(request), resource_id=resource_id)
    release = await chosen_release(request, clients, inputs)
    if inputs.filter:
        page = await filtered_page(clients, inputs, release)
    else:
        page = await listed_page(clients, inputs, release)
    plain = await plain_descriptions(clients, inputs, page) if inputs.include_designations else None
    return fhir_response(value_set_resource(inputs, page, plain))


@router.api_route("/ValueSet/$expand", methods=["GET", "POST"])
async def expand(request: Request, clients: Clients) -> FhirResponse:
    """Expand the value set named by `url`."""
    return await _expand(request, clients, None)


@router.api_route("/ValueSet/{resource_id}/$expand", methods=["GET", "POST"])
async def expand_instance(request: Request, clients: Clients, resource_id: str) -> FhirResponse:
    """Expand a value set this server lists, by its resource id."""
    return await _expand(request, clients, resource_id)
