"""A code page's alphabetic index lines, as the gateway renders them."""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.codes.render import reference_data


def test_index_lines_read_as_coders_write_them() -> None:
    code = pb.Code(system=pb.CODE_SYSTEM_ICD10CM, code="T51.3X1A", kind="code", billable=True)
    code.index_entries.add(
        index="Table of Drugs and Chemicals",
        path=["1-propanol"],
        column="Poisoning Accidental (unintentional)",
        code="T51.3X1",
        release="FY2025",
    )
    code.index_entries.add(
        index="External Cause of Injuries Index",
        path=["Abandonment NEC"],
        modifiers=["(causing exposure to weather conditions)"],
        code="X58",
        release="FY2025",
    )
    drug, external = reference_data(code)["index_entries"]
    assert drug["text"] == "1-propanol, Poisoning Accidental (unintentional)"
    assert drug["column"] == "Poisoning Accidental (unintentional)"
    assert drug["code"] == "T51.3X1" and drug["release"] == "FY2025"
    assert external["text"] == "Abandonment NEC"
    assert external["column"] is None
    assert external["modifiers"] == ["(causing exposure to weather conditions)"]


def test_only_diagnosis_pages_have_index_lines() -> None:
    procedure = pb.Code(system=pb.CODE_SYSTEM_ICD10PCS, code="0DTJ4ZZ", kind="code", billable=True)
    assert "index_entries" not in reference_data(procedure)
    diagnosis = pb.Code(system=pb.CODE_SYSTEM_ICD10CM, code="E11.9", kind="code", billable=True)
    assert reference_data(diagnosis)["index_entries"] == []
