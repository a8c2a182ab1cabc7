"""CC/MCC levels that hold only for a patient discharged alive (MS-DRG table 6K part 2)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.importers import msdrg
from medcode_codes.importers.bundled import cc_rows
from medcode_codes.importers.records import ImportFormatError
from medcode_common.service_auth import CODES, GATEWAY, channel

CM = pb.CODE_SYSTEM_ICD10CM
#: The codes issue #12 names; the test checks the CMS table gives exactly these.
NAMED_IN_THE_ISSUE = {"I46.2", "I46.8", "I46.9", "I49.01", "R09.2", "R57.0", "R57.8", "T79.4XXA"}


def test_the_flag_follows_table_6k_part_2() -> None:
    sources = msdrg.default_paths()
    levels = {key: row for key, key2, row in cc_rows(sources) if key2 == "level"}
    flagged = {code for code, row in levels.items() if row["discharged_alive_only"]}
    assert flagged == set(msdrg.parse_discharged_alive(sources)) == NAMED_IN_THE_ISSUE
    assert {levels[code]["level"] for code in flagged} == {"MCC"}
    assert len(levels) == 15_078 + 3_354  # every CC and MCC has the flag, mostly False


def test_a_part_2_code_that_is_no_cc_fails_the_import(tmp_path: Path) -> None:
    sources = msdrg.default_paths()
    lines = sources.exclusions.read_bytes().split(b"\r\n")
    at = lines.index(b"  I462    Cardiac arrest due to underlying cardiac condition")
    lines.insert(at, b"  E119    Type 2 diabetes mellitus without complications")
    copy = tmp_path / "cc_exclusions.txt"
    copy.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ImportFormatError, match=r"part 2 lists codes that are no CC/MCC.*E11\.9"):
        list(cc_rows(replace(sources, exclusions=copy)))


@pytest.fixture(scope="module")
def stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


def _cc(stub: pb_grpc.CodesServiceStub, code: str) -> pb.CcStatus:
    reply = stub.GetCode(pb.GetCodeRequest(system=CM, code=code), timeout=5)
    return reply.code.cc_status


def test_code_pages_state_the_condition(stub: pb_grpc.CodesServiceStub) -> None:
    arrest = _cc(stub, "I46.9")
    assert (arrest.level, arrest.discharged_alive_only) == ("MCC", True)
    assert arrest.condition == "MCC only if the patient is discharged alive"
    shock = _cc(stub, "T79.4XXA")
    assert shock.discharged_alive_only and shock.condition.startswith("MCC only if")
    heart_failure = _cc(stub, "I50.21")  # an MCC whatever the discharge status
    assert heart_failure.level == "MCC" and not heart_failure.discharged_alive_only
    assert heart_failure.condition == ""


def test_exclusion_answers_state_it_too(stub: pb_grpc.CodesServiceStub) -> None:
    reply = stub.GetCcExclusions(pb.GetCcExclusionsRequest(code="r570"), timeout=5)
    assert (reply.code, reply.level, reply.discharged_alive_only) == ("R57.0", "MCC", True)
    assert reply.condition == "MCC only if the patient is discharged alive"
    plain = stub.GetCcExclusions(pb.GetCcExclusionsRequest(code="J96.01"), timeout=5)
    assert plain.level == "MCC" and not plain.discharged_alive_only and plain.condition == ""
