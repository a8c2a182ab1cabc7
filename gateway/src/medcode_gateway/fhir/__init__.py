"""The FHIR R4 terminology API under /fhir: CodeSystem, ValueSet and ConceptMap operations
over the same services as the JSON API, answered as FHIR resources."""

from __future__ import annotations

from medcode_gateway.fhir import capability, expand, lookup, resources, translate, validate

#: Routers in matching order: operations (`CodeSystem/$lookup`) before instance reads
#: (`CodeSystem/{id}`), whose path pattern would otherwise take them.
ROUTERS = tuple(
    module.router for module in (capability, lookup, validate, expand, translate, resources)
)
