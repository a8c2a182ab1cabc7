"""The code systems MedCode knows, by the names used in URLs, files and the gRPC enum."""

from __future__ import annotations

from enum import StrEnum


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


_LABELS = {
    System.ICD10CM: "ICD-10-CM",
    System.ICD10PCS: "ICD-10-PCS",
    System.HCPCS: "HCPCS Level II",
    System.CPT: "CPT",
}
