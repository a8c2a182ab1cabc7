"""The CodesService over real gRPC on loopback, serving the default snapshots."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_common.service_auth import CODES, GATEWAY, SEARCH, channel

CM = pb.CODE_SYSTEM_ICD10CM
PCS = pb.CODE_SYSTEM_ICD10PCS


@pytest.fixture(scope="module")
def stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


@pytest.fixture(scope="module")
def search_stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    """The codes service as search sees it (the export is search's alone)."""
    with channel(codes_address, identity=SEARCH, audience=CODES) as search:
        yield pb_grpc.CodesServiceStub(search)


def get(stub: pb_grpc.CodesServiceStub, code: str, system: int = CM, **selector: str) -> pb.Code:
    request = pb.GetCodeRequest(system=system, code=code, release=pb.ReleaseSelector(**selector))
    return stub.GetCode(request, timeout=5).code


def test_seventh_character_code_has_full_title_and_hierarchy(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    code = get(stub, "s72001a")
    assert code.code == "S72.001A"
    assert code.title == (
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    )
    assert code.billable
    assert code.parent.code == "S72.001"
    assert [a.code for a in code.ancestors] == [
        "19",
        "S70-S79",
        "S72",
        "S72.0",
        "S72.00",
        "S72.001",
    ]
    assert code.release == "2026-04-01"


def test_inherited_notes_name_their_source(stub: pb_grpc.CodesServiceStub) -> None:
    code = get(stub, "S72.001A")
    sources = {(n.type, n.source_code) for n in code.notes}
    assert (pb.NOTE_TYPE_EXCLUDES1, "S72") in sources
    assert all(n.inherited for n in code.notes if n.source_code != "S72.001A")
    seventh = {s.character: (s.description, s.source_code) for s in code.seventh_characters}
    assert seventh["A"] == ("initial encounter for closed fracture", "S72")


def test_seventh_character_notes_and_block_guidance(stub: pb_grpc.CodesServiceStub) -> None:
    stable = get(stub, "H34.8122")
    notes = {s.character: list(s.notes) for s in stable.seventh_characters}
    assert notes == {"0": [], "1": [], "2": ["Old central retinal vein occlusion"]}
    aftercare = get(stub, "Z48.01")
    guidance = [n for n in aftercare.notes if n.type == pb.NOTE_TYPE_INCLUSION_TERM]
    assert [(n.source_code, n.inherited) for n in guidance] == [("Z40-Z53", True)]
    assert guidance[0].text.startswith("Categories Z40-Z53 are intended for use")
    assert aftercare.content_digest and len(aftercare.content_digest) == 64


def test_code_first_and_use_additional_code_notes(stub: pb_grpc.CodesServiceStub) -> None:
    e11_9 = get(stub, "E11.9")
    types = {n.type for n in e11_9.notes if n.source_code == "E11"}
    assert pb.NOTE_TYPE_USE_ADDITIONAL_CODE in types
    assert not [n for n in e11_9.notes if n.type == pb.NOTE_TYPE_INCLUSION_TERM and n.inherited]


def test_category_lists_children_in_tabular_order(stub: pb_grpc.CodesServiceStub) -> None:
    e11 = get(stub, "E11")
    assert not e11.billable and e11.kind == "category"
    children = [c.code for c in e11.children]
    assert children[0] == "E11.0" and "E11.9" in children
    reply = stub.ListChildren(pb.ListChildrenRequest(system=CM, code="e11"), timeout=5)
    assert [c.code for c in reply.children] == children


def test_top_level_children_are_the_22_chapters(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.ListChildren(pb.ListChildrenRequest(system=CM), timeout=5)
    assert [c.code for c in reply.children] == [str(n) for n in range(1, 23)]


def test_ancestors_top_down(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.ListAncestors(pb.ListAncestorsRequest(system=CM, code="E11.9"), timeout=5)
    assert [a.code for a in reply.ancestors] == ["4", "E08-E13", "E11"]


def test_pcs_code_has_axes_and_root_operation(stub: pb_grpc.CodesServiceStub) -> None:
    code = get(stub, "0016070", system=PCS)
    assert code.billable
    labels = [axis.label for axis in code.pcs_axes]
    assert labels[2] == "Bypass" and labels[3] == "Cerebral Ventricle"
    assert code.root_operation.name == "Bypass"
    assert "route of passage" in code.root_operation.definition


def test_batch_get_reports_missing(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.BatchGetCodes(
        pb.BatchGetCodesRequest(system=CM, codes=["E11.9", "I10", "E11.99"]), timeout=5
    )
    assert [c.code for c in reply.codes] == ["E11.9", "I10"]
    assert list(reply.missing) == ["E11.99"]


def test_validate_explains_why_not(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.ValidateCodes(
        pb.ValidateCodesRequest(system=CM, codes=["E11", "e119", "E11.99", "E1", "S72.001"]),
        timeout=5,
    )
    e11, e11_9, e11_99, e1, s72_001 = reply.verdicts
    assert e11.status == pb.VALIDATION_STATUS_NOT_BILLABLE and e11.valid and not e11.billable
    assert "category" in e11.message and "E11.9" in e11.message
    assert e11.suggestions[0].code == "E11.9"
    assert e11_9.status == pb.VALIDATION_STATUS_BILLABLE and e11_9.code == "E11.9"
    assert e11_99.status == pb.VALIDATION_STATUS_NOT_FOUND and "E11.9" in e11_99.message
    assert e1.status == pb.VALIDATION_STATUS_MALFORMED and not e1.code
    assert "7th character" in s72_001.message and s72_001.suggestions[0].code.startswith("S72.001")


def test_releases_have_official_counts(stub: pb_grpc.CodesServiceStub) -> None:
    releases = {
        r.system: r for r in stub.ListReleases(pb.ListReleasesRequest(), timeout=5).releases
    }
    assert releases[CM].billable_count == 74_719
    assert releases[CM].effective_date == "2026-04-01"
    assert releases[PCS].billable_count == 78_638


def test_release_selection(stub: pb_grpc.CodesServiceStub) -> None:
    assert get(stub, "E11.9", release="2026-04-01").release == "2026-04-01"
    assert get(stub, "E11.9", as_of="2030-01-01").release == "2026-04-01"
    for selector, status in [
        ({"release": "1999"}, grpc.StatusCode.NOT_FOUND),
        ({"as_of": "2001-01-01"}, grpc.StatusCode.NOT_FOUND),
        ({"as_of": "yesterday"}, grpc.StatusCode.INVALID_ARGUMENT),
    ]:
        with pytest.raises(grpc.RpcError) as caught:
            get(stub, "E11.9", **selector)
        assert caught.value.code() == status


@pytest.mark.parametrize(
    ("system", "code", "status", "words"),
    [
        (CM, "E11.99", grpc.StatusCode.NOT_FOUND, "not an ICD-10-CM code"),
        (CM, "11.9", grpc.StatusCode.INVALID_ARGUMENT, "e.g. E11.9"),
        (PCS, "0016O70", grpc.StatusCode.INVALID_ARGUMENT, "7 characters"),
        (
            pb.CODE_SYSTEM_UNSPECIFIED,
            "E11.9",
            grpc.StatusCode.INVALID_ARGUMENT,
            "system is required",
        ),
        (pb.CODE_SYSTEM_HCPCS, "J1100", grpc.StatusCode.NOT_FOUND, "no HCPCS Level II release"),
    ],
)
def test_errors_have_status_and_message(
    stub: pb_grpc.CodesServiceStub, system: int, code: str, status: grpc.StatusCode, words: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        get(stub, code, system=system)
    assert caught.value.code() == status
    assert words in caught.value.details()


def test_batch_limits(stub: pb_grpc.CodesServiceStub) -> None:
    for codes in ([], ["E11.9"] * 1001):
        with pytest.raises(grpc.RpcError) as caught:
            stub.ValidateCodes(pb.ValidateCodesRequest(system=CM, codes=codes), timeout=5)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_export_streams_every_node_parents_first(search_stub: pb_grpc.CodesServiceStub) -> None:
    seen: set[str] = set()
    billable = 0
    for batch in search_stub.ExportCodes(pb.ExportCodesRequest(system=CM), timeout=120):
        for code in batch.codes:
            assert not code.HasField("parent") or code.parent.code in seen
            seen.add(code.code)
            billable += code.billable
    assert billable == 74_719
    assert len(seen) == 98_505  # 22 chapters, 297 sections, 98,186 categories and codes
