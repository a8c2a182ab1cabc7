"""An expansion page as a FHIR ValueSet: the value set's identity, the parameters used and
the page's concepts (non-billable headings marked abstract: navigation, not codes to pick)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.fhir.designations import designations
from medcode_gateway.fhir.expand_inputs import ExpandInputs
from medcode_gateway.fhir.expand_pages import ExpansionPage
from medcode_gateway.fhir.parameters import value_parameter
from medcode_gateway.fhir.versions import release_selector

#: Codes per BatchGetCodes call when reading plain descriptions for designations.
BATCH = 250


async def plain_descriptions(
    clients: ServiceClients, inputs: ExpandInputs, page: ExpansionPage
) -> dict[str, str]:
    """MedCode's plain words for the page's codes (empty where none is written)."""
    codes = [concept.code for concept in page.concepts]
    system = inputs.value_set.code_system.system

    async def batch(chunk: list[str]) -> pb.BatchGetCodesResponse:
        request = pb.BatchGetCodesRequest(
            system=system.proto, codes=chunk, release=release_selector(page.release)
        )
        return await clients.codes.BatchGetCodes(request, timeout=clients.timeout)

    replies = await asyncio.gather(
        *(batch(codes[start : start + BATCH]) for start in range(0, len(codes), BATCH))
    )
    return {code.code: code.plain_description for reply in replies for code in reply.codes}


def value_set_resource(
    inputs: ExpandInputs, page: ExpansionPage, plain: Mapping[str, str] | None
) -> dict[str, Any]:
    """The ValueSet carrying one page of its expansion."""
    code_system = inputs.value_set.code_system
    version = f"{code_system.url}|{page.release}"
    contains: list[dict[str, Any]] = []
    for concept in page.concepts:
        entry: dict[str, Any] = {"system": code_system.url, "version": page.release}
        if not concept.billable:
            entry["abstract"] = True
        entry.update(code=concept.code, display=concept.display)
        if plain is not None:
            entry["designation"] = designations(concept.display, plain.get(concept.code, ""))
        contains.append(entry)
    expansion: dict[str, Any] = {
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if page.total is not None:
        expansion["total"] = page.total
    expansion["offset"] = inputs.offset
    expansion["parameter"] = [
        value_parameter("version", "uri", version),
        *(value_parameter(name, kind, value) for name, kind, value in inputs.echoed),
    ]
    if contains:
        expansion["contains"] = contains
    resource: dict[str, Any] = {"resourceType": "ValueSet"}
    if inputs.value_set.id is not None:
        resource["id"] = inputs.value_set.id
    resource.update(url=inputs.value_set.url, status="active", expansion=expansion)
    return resource
