"""The code systems MedCode knows and how a code of each is spelled, shared by every package.

Every lookup, validation, import and search goes through `normalize_code`, so a code has
exactly one spelling in storage, in URLs and in the search index, whichever service holds it.
Malformed input raises `MalformedCode` with a message that shows what a valid code of that
system looks like.
"""

from __future__ import annotations

import re
from enum import StrEnum

from medcode.codes.v1 import codes_service_pb2 as codes_pb


class System(StrEnum):
    """A code system's short name (as in ``/v1/codes/{system}/...``)."""

    ICD10CM = "icd10cm"
    ICD10PCS = "icd10pcs"
    HCPCS = "hcpcs"
    CPT = "cpt"

    @property
    def label(self) -> str:
        """How coders write the system's name."""
        return _LABELS[self]

    @property
    def a_label(self) -> str:
        """The label with its article, for messages: "an ICD-10-CM", "a CPT"."""
        return ("an " if self.label.startswith("I") else "a ") + self.label

    @property
    def proto(self) -> int:
        """The `medcode.codes.v1.CodeSystem` enum value of this system."""
        return SYSTEM_TO_PROTO[self]


_LABELS = {
    System.ICD10CM: "ICD-10-CM",
    System.ICD10PCS: "ICD-10-PCS",
    System.HCPCS: "HCPCS Level II",
    System.CPT: "CPT",
}
SYSTEM_TO_PROTO: dict[System, int] = {
    System.ICD10CM: codes_pb.CODE_SYSTEM_ICD10CM,
    System.ICD10PCS: codes_pb.CODE_SYSTEM_ICD10PCS,
    System.HCPCS: codes_pb.CODE_SYSTEM_HCPCS,
    System.CPT: codes_pb.CODE_SYSTEM_CPT,
}
PROTO_TO_SYSTEM: dict[int, System] = {value: key for key, value in SYSTEM_TO_PROTO.items()}


class MalformedCode(ValueError):
    """The input cannot be a code of the system; the message says what a valid one looks like."""


# The second character is a digit except in the QA0 category (genetic disorders, 2026).
_ICD10CM_CODE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z](?:[0-9A-Z]{1,4})?")
_ICD10CM_RANGE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z]-[A-Z][0-9A-Z][0-9A-Z]")
_ICD10CM_CHAPTER = re.compile(r"[1-9]|1[0-9]|2[0-2]")
_ICD10PCS = re.compile(r"[0-9A-HJ-NP-Z]{1,7}")
# A Level II code, a 2-character modifier, a letter section, or the modifiers section.
_HCPCS = re.compile(r"[A-V][0-9]{4}|[0-9A-Z]{2}|[A-V]|MODIFIERS")
_CPT = re.compile(r"[0-9]{4}[0-9FTU]|SECTION-[A-Z0-9]+")

HINTS = {
    System.ICD10CM: (
        "an ICD-10-CM code is a letter, two letters or digits, then up to 4 more "
        "letters or digits, with an optional dot after the third character "
        "(e.g. E11.9, S72.001A); chapters are 1-22 and sections are ranges such as A00-A09"
    ),
    System.ICD10PCS: (
        "an ICD-10-PCS code is 7 characters from 0-9 and A-Z except I and O (e.g. 0016070); "
        "1 to 3 characters name a section, body system or table"
    ),
    System.HCPCS: (
        "a HCPCS Level II code is a letter A-V and 4 digits (e.g. J1100); "
        "modifiers are 2 letters or digits (e.g. LT)"
    ),
    System.CPT: "a CPT code is 4 digits and a digit, F, T or U (e.g. 99213, 0001U)",
}


def _malformed(system: System, raw: str) -> MalformedCode:
    shown = raw if len(raw) <= 40 else raw[:40] + "..."
    return MalformedCode(f"{shown!r} is not a valid {system.label} code: {HINTS[system]}")


def normalize_code(system: System, raw: str) -> str:
    """Return the canonical form of `raw` in `system` or raise `MalformedCode`."""
    text = raw.strip().upper()
    if system is System.ICD10CM:
        return _normalize_icd10cm(text, raw)
    if system is System.ICD10PCS:
        if _ICD10PCS.fullmatch(text):
            return text
    elif system is System.HCPCS:
        if _HCPCS.fullmatch(text):
            return text
    elif system is System.CPT and _CPT.fullmatch(text):
        return text
    raise _malformed(system, raw)


def _normalize_icd10cm(text: str, raw: str) -> str:
    if _ICD10CM_CHAPTER.fullmatch(text):
        return text
    if _ICD10CM_RANGE.fullmatch(text):
        return text
    if "." in text:
        head, _, tail = text.partition(".")
        if len(head) != 3 or not tail or "." in tail:
            raise _malformed(System.ICD10CM, raw)
        text = head + tail
    if not _ICD10CM_CODE.fullmatch(text):
        raise _malformed(System.ICD10CM, raw)
    return text if len(text) == 3 else f"{text[:3]}.{text[3:]}"


def parse_system(name: str) -> System:
    """Map a URL/CLI system name to `System`, or raise ValueError listing the valid names."""
    try:
        return System(name.strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in System)
        raise ValueError(f"unknown code system {name!r}; use one of: {names}") from None
