"""FHIR answers: JSON resources served as application/fhir+json."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from medcode_gateway.fhir.outcomes import FHIR_JSON


class FhirResponse(JSONResponse):
    """A FHIR resource as JSON, with the FHIR media type."""

    media_type = FHIR_JSON


def fhir_response(resource: dict[str, Any], *, status: int = 200) -> FhirResponse:
    """The response carrying one resource."""
    return FhirResponse(resource, status_code=status)
