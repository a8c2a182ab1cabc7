"""The value sets MedCode serves, and the one place a value set URL becomes a selection.

Three forms name a value set: a code system's implicit value set (`<system>?fhir_vs`, every
concept), an implicit subtree (`<system>?fhir_vs=isa/<code>`, the concept and everything
below it), and MedCode's own billable value sets (`<base>/fhir/ValueSet/<id>-billable`,
the codes reportable on a claim). $expand, ValueSet/$validate-code and ValueSet read all
resolve URLs here so they agree on what a value set contains.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from medcode_gateway.core.problems import Problem
from medcode_gateway.fhir.systems import (
    BY_ID,
    CODE_SYSTEMS,
    WHO_ICD10_URL,
    FhirCodeSystem,
    code_system_for,
    who_icd10_problem,
)

IMPLICIT_MARKER = "?fhir_vs"
ISA_PREFIX = "isa/"
BILLABLE_SUFFIX = "-billable"


@dataclass(frozen=True, slots=True)
class ValueSetRef:
    """What a value set URL selects from one code system."""

    code_system: FhirCodeSystem
    #: The subtree root for `isa/<code>` (as written in the URL); None for the whole system.
    root: str | None
    #: Only codes reportable on a claim.
    billable_only: bool
    #: The URL as this server names the value set.
    url: str

    @property
    def id(self) -> str | None:
        """The resource id of a value set this server lists (None for subtrees)."""
        if self.root is not None:
            return None
        return self.code_system.id + (BILLABLE_SUFFIX if self.billable_only else "")


def fhir_base(request: Request) -> str:
    """This server's FHIR base URL: the configured public URL, else where the request came."""
    settings = request.app.state.settings
    configured = (getattr(settings, "public_url", "") or "").rstrip("/")
    root = configured or str(request.base_url).rstrip("/")
    return root + "/fhir"


def whole_system(code_system: FhirCodeSystem) -> ValueSetRef:
    """The implicit value set of every concept of a system."""
    return ValueSetRef(code_system, None, False, code_system.url + IMPLICIT_MARKER)


def billable_codes(code_system: FhirCodeSystem, base: str) -> ValueSetRef:
    """MedCode's value set of a system's billable codes."""
    url = f"{base}/ValueSet/{code_system.id}{BILLABLE_SUFFIX}"
    return ValueSetRef(code_system, None, True, url)


def listed_value_sets(base: str) -> list[ValueSetRef]:
    """Every value set the server lists (read and search): two per served system."""
    found: list[ValueSetRef] = []
    for code_system in CODE_SYSTEMS:
        found += [whole_system(code_system), billable_codes(code_system, base)]
    return found


def value_set_by_id(resource_id: str, base: str) -> ValueSetRef:
    """A listed value set by resource id, or a 404 Problem."""
    for ref in listed_value_sets(base):
        if ref.id == resource_id:
            return ref
    raise Problem(404, f"no ValueSet with id {resource_id!r}", fhir_code="not-found")


def resolve_value_set(url: str, base: str, *, parameter: str = "url") -> ValueSetRef:
    """The selection a value set URL names, or a 400/404 Problem saying what is wrong."""
    url = url.strip()
    if not url:
        raise Problem(400, f"{parameter!r} must be a value set URL", expression=[parameter])
    if url.split("?", 1)[0].rstrip("/") == WHO_ICD10_URL:
        raise who_icd10_problem(parameter)
    if "?" in url:
        system_url, query = url.split("?", 1)
        code_system = code_system_for(system_url, parameter=parameter)
        if query == "fhir_vs":
            return whole_system(code_system)
        if query.startswith("fhir_vs=" + ISA_PREFIX) and len(query) > len("fhir_vs=isa/"):
            root = query[len("fhir_vs=" + ISA_PREFIX) :]
            return ValueSetRef(code_system, root, False, url)
        raise Problem(
            400,
            f"unsupported implicit value set {url!r}: use {system_url}?fhir_vs or "
            f"{system_url}?fhir_vs=isa/<code>",
            fhir_code="not-supported",
            expression=[parameter],
        )
    marker = "/ValueSet/"
    if marker in url:
        resource_id = url.rsplit(marker, 1)[1].split("|", 1)[0]
        if resource_id.endswith(BILLABLE_SUFFIX):
            billable_of = BY_ID.get(resource_id[: -len(BILLABLE_SUFFIX)])
            if billable_of is not None:
                return billable_codes(billable_of, base)
        if resource_id in BY_ID:
            return whole_system(BY_ID[resource_id])
    raise Problem(
        404,
        f"unknown value set {url!r}; use <system>?fhir_vs, <system>?fhir_vs=isa/<code> or "
        f"{base}/ValueSet/<id> (GET {base}/ValueSet lists them)",
        fhir_code="not-found",
        expression=[parameter],
    )
