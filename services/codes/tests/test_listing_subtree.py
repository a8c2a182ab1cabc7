"""ListCodes `under` and `billable_only`: a subtree (the code and its descendants) is one
contiguous range of the release's pre-order numbering, checked against a recursive walk of
the parent links on the real default snapshots; pages have exact totals, and bad roots say
what is wrong."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.snapshot.reader import Snapshot
from medcode_common.service_auth import CODES, GATEWAY, channel

CM, PCS, CPT = pb.CODE_SYSTEM_ICD10CM, pb.CODE_SYSTEM_ICD10PCS, pb.CODE_SYSTEM_CPT
#: Roots of every depth: chapters, sections, categories, subcategories with 7th-character
#: codes below them, a billable leaf; PCS sections, body systems and tables.
CM_ROOTS = ("1", "19", "22", "S70-S79", "E08-E13", "S72", "S72.0", "S72.001", "E11", "E11.9")
PCS_ROOTS = ("0", "X", "0D", "0DT", "001", "0016070")
EVERYTHING = 1_000_000

RECURSIVE_SUBTREE = """
    WITH RECURSIVE below(code) AS (
        SELECT :root UNION ALL SELECT node.code FROM node JOIN below ON node.parent = below.code
    )
    SELECT code, billable FROM node WHERE code IN (SELECT code FROM below)"""


def snapshot_file(data_dir: Path, system: str) -> Path:
    (path,) = sorted((data_dir / "snapshots" / system).glob("*.sqlite"))[-1:]
    return path


@pytest.fixture(scope="module")
def cm_snapshot(codes_data_dir: Path) -> Iterator[Snapshot]:
    snapshot = Snapshot(snapshot_file(codes_data_dir, "icd10cm"))
    yield snapshot
    snapshot.close()


@pytest.fixture(scope="module")
def pcs_snapshot(codes_data_dir: Path) -> Iterator[Snapshot]:
    snapshot = Snapshot(snapshot_file(codes_data_dir, "icd10pcs"))
    yield snapshot
    snapshot.close()


def recursive_subtree(snapshot: Snapshot, root: str, *, billable_only: bool) -> set[str]:
    """The subtree as a recursive walk of parent links finds it (the slow, obvious way)."""
    with sqlite3.connect(f"file:{snapshot.path}?mode=ro", uri=True) as db:
        rows = db.execute(RECURSIVE_SUBTREE, {"root": root}).fetchall()
    return {code for code, billable in rows if billable or not billable_only}


def ranged_subtree(snapshot: Snapshot, root: str, *, billable_only: bool) -> list[str]:
    found = snapshot.subtree_summaries(
        root, billable_only=billable_only, offset=0, limit=EVERYTHING
    )
    assert found is not None
    total, rows = found
    assert total == len(rows)
    return [code for code, _title, _kind, _billable in rows]


def assert_same_subtree(snapshot: Snapshot, root: str) -> None:
    for billable_only in (False, True):
        ranged = ranged_subtree(snapshot, root, billable_only=billable_only)
        walked = recursive_subtree(snapshot, root, billable_only=billable_only)
        assert len(ranged) == len(set(ranged))
        assert set(ranged) == walked, (root, billable_only, set(ranged) ^ walked)


@pytest.mark.parametrize("root", CM_ROOTS)
def test_an_icd10cm_subtree_is_its_seq_range(cm_snapshot: Snapshot, root: str) -> None:
    assert_same_subtree(cm_snapshot, root)
    assert ranged_subtree(cm_snapshot, root, billable_only=False)[0] == root


@pytest.mark.parametrize("root", PCS_ROOTS)
def test_an_icd10pcs_subtree_is_its_seq_range(pcs_snapshot: Snapshot, root: str) -> None:
    assert_same_subtree(pcs_snapshot, root)


def test_the_fracture_subtree_holds_its_7th_character_codes(cm_snapshot: Snapshot) -> None:
    codes = ranged_subtree(cm_snapshot, "S72.0", billable_only=True)
    assert {"S72.001A", "S72.001B", "S72.002S", "S72.099G"} <= set(codes)
    assert all(code.startswith("S72.0") for code in codes)
    assert "S72.0" not in codes  # a heading, not billable


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(position=st.integers(0, 98_504))
def test_any_icd10cm_node_s_subtree_is_its_seq_range(cm_snapshot: Snapshot, position: int) -> None:
    (code,) = cm_snapshot.summaries_from(position, limit=1)[0][:1]
    assert_same_subtree(cm_snapshot, code)


@pytest.fixture(scope="module")
def stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


def listing(stub: pb_grpc.CodesServiceStub, **fields: object) -> pb.ListCodesResponse:
    return stub.ListCodes(pb.ListCodesRequest(**fields), timeout=30)  # type: ignore[arg-type]


def every_page(stub: pb_grpc.CodesServiceStub, size: int, **fields: object) -> list[str]:
    codes: list[str] = []
    offset = 0
    while True:
        reply = listing(stub, offset=offset, page_size=size, **fields)
        codes.extend(c.code for c in reply.codes)
        if not reply.next_offset:
            assert len(codes) == reply.total_count
            return codes
        offset = reply.next_offset


def test_pages_of_a_subtree_cover_it_once_with_an_exact_total(
    stub: pb_grpc.CodesServiceStub, cm_snapshot: Snapshot
) -> None:
    for billable_only in (False, True):
        codes = every_page(stub, 37, system=CM, under="S72.0", billable_only=billable_only)
        assert len(codes) == len(set(codes))
        assert set(codes) == recursive_subtree(cm_snapshot, "S72.0", billable_only=billable_only)
    first = listing(stub, system=CM, under="S72.0", page_size=5)
    assert [c.code for c in first.codes][:3] == ["S72.0", "S72.00", "S72.001"]
    assert first.release == "2026-04-01" and first.next_offset == 5


def test_billable_only_totals_match_the_release_counts(stub: pb_grpc.CodesServiceStub) -> None:
    for system in (CM, PCS):
        (release,) = stub.ListReleases(pb.ListReleasesRequest(system=system), timeout=5).releases
        billable = listing(stub, system=system, billable_only=True, page_size=3)
        assert billable.total_count == release.billable_count
        assert all(c.billable for c in billable.codes) and len(billable.codes) == 3
        deep = listing(stub, system=system, billable_only=True, offset=release.billable_count - 2)
        assert len(deep.codes) == 2 and deep.next_offset == 0
        assert listing(stub, system=system, page_size=1).total_count == release.code_count


def test_under_is_normalised_like_getcode(stub: pb_grpc.CodesServiceStub) -> None:
    canonical = listing(stub, system=CM, under="S72.0", page_size=50)
    for spelling in ("s72.0", " S720 "):
        assert listing(stub, system=CM, under=spelling, page_size=50) == canonical


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"system": CM, "under": "S72.7"}, "NOT_FOUND", "S72.7 is not an ICD-10-CM code"),
        ({"system": CM, "under": "Q99.99"}, "NOT_FOUND", "Q99.99"),
        ({"system": CM, "under": "not a code!"}, "INVALID_ARGUMENT", "not a code!"),
        ({"system": PCS, "under": "0DTI"}, "INVALID_ARGUMENT", "0DTI"),
        ({"system": CPT, "under": "99999"}, "NOT_FOUND", "99999"),
        ({"system": CM, "under": "S72", "offset": -1}, "INVALID_ARGUMENT", "offset"),
    ],
)
def test_bad_roots_say_what_is_wrong(
    stub: pb_grpc.CodesServiceStub, fields: dict[str, object], status: str, words: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        listing(stub, **fields)
    error: grpc.Call = caught.value  # type: ignore[assignment]
    assert error.code().name == status and words in (error.details() or ""), error.details()
