"""Previous/next codes and a code across loaded releases, over real gRPC (code pages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes import testing_releases as earlier
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import link_data_dir
from medcode_common.service_auth import CODES, GATEWAY, SEARCH, channel

CM = pb.CODE_SYSTEM_ICD10CM
PCS = pb.CODE_SYSTEM_ICD10PCS


@pytest.fixture(scope="module")
def stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


@pytest.fixture(scope="module")
def two_releases(
    codes_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[pb_grpc.CodesServiceStub]:
    """The default snapshots plus an earlier, small ICD-10-CM release."""
    data_dir = link_data_dir(codes_data_dir, tmp_path_factory.mktemp("history") / "codes")
    real = Snapshot(codes_data_dir / "snapshots/icd10cm/2026-04-01.sqlite")
    earlier.write_earlier_icd10cm_release(data_dir, real)
    real.close()
    server = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    server.start()
    with channel(f"127.0.0.1:{server.port}", identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)
    server.stop()


def neighbours(stub: pb_grpc.CodesServiceStub, code: str, system: int = CM) -> tuple[str, str]:
    reply = stub.GetNeighbours(pb.GetNeighboursRequest(system=system, code=code), timeout=5)
    previous = reply.previous.code if reply.HasField("previous") else ""
    after = reply.next.code if reply.HasField("next") else ""
    return previous, after


def test_neighbours_follow_tabular_order(stub: pb_grpc.CodesServiceStub) -> None:
    assert neighbours(stub, "e119") == ("E11.8", "E11.A")
    assert neighbours(stub, "S72.001A") == ("S72.001", "S72.001B")


def test_neighbours_pass_over_chapter_and_section_headings(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    first, _ = neighbours(stub, "A00")
    assert first == ""  # chapter 1 and section A00-A09 come before it, and are skipped
    previous, _ = neighbours(stub, "B00")  # the section B00-B09 sits between A99 and B00
    assert previous == "A99"
    reply = stub.GetNeighbours(pb.GetNeighboursRequest(system=CM, code="A00"), timeout=5)
    assert reply.next.code == "A00.0" and reply.release == "2026-04-01"


def test_neighbours_of_a_pcs_code(stub: pb_grpc.CodesServiceStub) -> None:
    previous, after = neighbours(stub, "0016070", PCS)
    assert previous and after and previous < "0016070" < after


@pytest.mark.parametrize(
    ("code", "status"),
    [("Q99.99", grpc.StatusCode.NOT_FOUND), ("E11.9!!", grpc.StatusCode.INVALID_ARGUMENT)],
)
def test_neighbours_of_unknown_or_malformed_codes_are_refused(
    stub: pb_grpc.CodesServiceStub, code: str, status: grpc.StatusCode
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetNeighbours(pb.GetNeighboursRequest(system=CM, code=code), timeout=5)
    assert raised.value.code() == status and raised.value.details()


def history(stub: pb_grpc.CodesServiceStub, code: str) -> list[pb.CodeInRelease]:
    reply = stub.GetCodeHistory(pb.GetCodeHistoryRequest(system=CM, code=code), timeout=10)
    assert [r.release for r in reply.releases] == [earlier.EARLIER_RELEASE, "2026-04-01"]
    return list(reply.releases)


def test_a_single_loaded_release_has_no_changes(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.GetCodeHistory(pb.GetCodeHistoryRequest(system=CM, code="E11.9"), timeout=5)
    assert [(r.release, r.present, list(r.changes)) for r in reply.releases] == [
        ("2026-04-01", True, [])
    ]


def test_history_names_each_kind_of_change(two_releases: pb_grpc.CodesServiceStub) -> None:
    revised = history(two_releases, "e119")
    assert revised[0].title == earlier.EARLIER_TITLE and revised[0].present
    assert list(revised[1].changes) == [pb.CODE_CHANGE_TITLE_REVISED]
    assert revised[1].previous_title == earlier.EARLIER_TITLE
    assert revised[1].title == "Type 2 diabetes mellitus without complications"
    assert list(history(two_releases, earlier.UNCHANGED_CODE)[1].changes) == []
    notes = history(two_releases, earlier.NOTES_CHANGED_CODE)
    assert list(notes[1].changes) == [pb.CODE_CHANGE_NOTES_CHANGED]
    added = history(two_releases, earlier.ADDED_CODE)
    assert not added[0].present and list(added[1].changes) == [pb.CODE_CHANGE_ADDED]
    deleted = history(two_releases, earlier.DELETED_CODE)
    assert deleted[0].title == earlier.DELETED_TITLE
    assert not deleted[1].present and list(deleted[1].changes) == [pb.CODE_CHANGE_DELETED]


def test_history_of_a_code_in_no_release_is_not_found(
    two_releases: pb_grpc.CodesServiceStub,
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        two_releases.GetCodeHistory(pb.GetCodeHistoryRequest(system=CM, code="Q99.99"), timeout=5)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "any loaded release" in (raised.value.details() or "")


def test_only_the_gateway_may_ask(codes_address: str) -> None:
    with channel(codes_address, identity=SEARCH, audience=CODES) as search:
        stub = pb_grpc.CodesServiceStub(search)
        with pytest.raises(grpc.RpcError) as raised:
            stub.GetNeighbours(pb.GetNeighboursRequest(system=CM, code="E11.9"), timeout=5)
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
