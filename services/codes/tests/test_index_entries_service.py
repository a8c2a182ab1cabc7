"""Alphabetic index lines on code pages and in the export, over real gRPC, with the FY2025
External Cause index and Tables of Drugs and Neoplasms imported (and without them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_common.service_auth import CODES, GATEWAY, SEARCH, channel

CM = pb.CODE_SYSTEM_ICD10CM
INDEX_KINDS = ["icd10cm-index", "icd10cm-eindex", "icd10cm-neoplasm", "icd10cm-drug"]


@pytest.fixture(scope="module")
def stub(indexed_codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(indexed_codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


@pytest.fixture(scope="module")
def search_stub(indexed_codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    """The codes service as search sees it (the export is search's alone)."""
    with channel(indexed_codes_address, identity=SEARCH, audience=CODES) as search:
        yield pb_grpc.CodesServiceStub(search)


def get(stub: pb_grpc.CodesServiceStub, code: str, system: int = CM) -> pb.Code:
    return stub.GetCode(pb.GetCodeRequest(system=system, code=code), timeout=5).code


def test_a_code_page_lists_the_index_lines_that_lead_to_it(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    lines = get(stub, "V94.11").index_entries
    assert [(e.index, list(e.path)) for e in lines] == [
        (
            "External Cause of Injuries Index",
            ["Accident", "boat, boating", "striking swimmer", "powered"],
        ),
        (
            "External Cause of Injuries Index",
            ["Accident", "watercraft", "striking swimmer", "powered"],
        ),
    ]
    assert {(e.code, e.release) for e in lines} == {("V94.11", "FY2025")}


def test_a_seventh_character_code_shows_the_lines_naming_its_stem(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    lines = get(stub, "T51.3X1A").index_entries
    substances = {e.path[0] for e in lines}
    assert {"1-propanol", "Alcohol"} <= substances
    assert {(e.index, e.column, e.code) for e in lines} == {
        ("Table of Drugs and Chemicals", "Poisoning Accidental (unintentional)", "T51.3X1")
    }


def test_a_dashed_code_shows_its_line_on_the_codes_that_complete_it(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    # "Neoplasm, neoplastic, lung, Malignant Primary: C34.9-"
    lines = [e for e in get(stub, "C34.90").index_entries if e.column == "Malignant Primary"]
    lung = [e for e in lines if list(e.path) == ["Neoplasm, neoplastic", "lung"]]
    assert len(lung) == 1 and lung[0].code == "C34.9" and lung[0].incomplete
    # "Choked, choking, vomitus: T17.81-" reaches T17.810A through T17.81 and T17.810.
    texts = [", ".join(e.path) for e in get(stub, "T17.810A").index_entries]
    assert texts.count("Choked, choking, vomitus") == 1


def test_each_index_file_reports_whether_it_is_loaded(stub: pb_grpc.CodesServiceStub) -> None:
    statuses = {d.kind: d for d in get(stub, "E11.9").datasets if d.kind in INDEX_KINDS}
    assert sorted(statuses) == sorted(INDEX_KINDS)
    assert not statuses["icd10cm-index"].loaded
    assert "medcode import icd10cm-index" in statuses["icd10cm-index"].message
    assert statuses["icd10cm-drug"].loaded and statuses["icd10cm-drug"].release == "FY2025"


def test_procedure_codes_have_no_index_lines(stub: pb_grpc.CodesServiceStub) -> None:
    code = get(stub, "0DTJ4ZZ", system=pb.CODE_SYSTEM_ICD10PCS)
    assert not code.index_entries
    assert not [d for d in code.datasets if d.kind in INDEX_KINDS]


def test_the_export_carries_the_lines_for_search(search_stub: pb_grpc.CodesServiceStub) -> None:
    request = pb.ExportCodesRequest(system=CM)
    batches = search_stub.ExportCodes(request, timeout=120)
    by_code = {code.code: code for batch in batches for code in batch.codes}
    assert [list(e.path) for e in by_code["V94.11"].index_entries][0][0] == "Accident"
    assert by_code["T51.3X1A"].index_entries and by_code["T51.3X1D"].index_entries
    assert not by_code["E11.9"].index_entries  # the disease index is not loaded here
    assert sum(len(code.index_entries) for code in by_code.values()) > 50_000


def test_without_index_files_pages_say_so(codes_address: str) -> None:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        code = get(pb_grpc.CodesServiceStub(gateway), "V94.11")
    assert not code.index_entries
    missing = [d for d in code.datasets if d.kind in INDEX_KINDS]
    assert len(missing) == 4 and not any(d.loaded for d in missing)
