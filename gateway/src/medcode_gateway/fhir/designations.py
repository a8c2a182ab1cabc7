"""How a concept's words appear in FHIR: the official title is the display, and MedCode's
own plain-language ("Common Language") description is a designation with its own use, so
clients that show designations can offer the plain words and others ignore them."""

from __future__ import annotations

from typing import Any

#: The designation use of the official title (HL7 designation-usage "display").
DISPLAY_USE = {
    "system": "http://terminology.hl7.org/CodeSystem/designation-usage",
    "code": "display",
}
#: The designation use of MedCode's plain-language description: a URN MedCode owns (no
#: registered terminology has a code for "lay description written by the publisher").
PLAIN_LANGUAGE_USE = {
    "system": "urn:medcode:fhir:designation-use",
    "code": "plain-language",
    "display": "MedCode Common Language description",
}


def designations(title: str, plain_description: str) -> list[dict[str, Any]]:
    """The designations of one concept: its official title and, when written, MedCode's
    plain words."""
    found: list[dict[str, Any]] = [{"language": "en", "use": dict(DISPLAY_USE), "value": title}]
    if plain_description.strip():
        found.append(
            {"language": "en", "use": dict(PLAIN_LANGUAGE_USE), "value": plain_description}
        )
    return found
