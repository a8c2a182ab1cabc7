"""Every ICD-10-CM and ICD-10-PCS code CasePilot's knowledge base names is valid in the
release the codes service has loaded, so an answer built from an entry never shows a bad code."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode_assistant.knowledge import KnowledgeBase, code_system
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, CODES

SYSTEMS = {"icd10cm": pb.CODE_SYSTEM_ICD10CM, "icd10pcs": pb.CODE_SYSTEM_ICD10PCS}


@pytest.fixture(scope="module")
def codes_stub(codes_address: str) -> Iterator[codes_grpc.CodesServiceStub]:
    # Checked as the assistant service checks every code it names: its own identity.
    with service_auth.channel(codes_address, identity=ASSISTANT, audience=CODES) as channel:
        yield codes_grpc.CodesServiceStub(channel)


def named_codes() -> dict[str, dict[str, list[str]]]:
    """Codes by system, each with the entries that name it."""
    by_system: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entry in KnowledgeBase.load().entries:
        for code in entry.codes:
            by_system[code_system(code)][code].append(f"{entry.kind}:{entry.key}")
    return by_system


def test_the_knowledge_base_names_codes_of_both_classifications() -> None:
    codes = named_codes()
    assert len(codes["icd10cm"]) >= 40
    assert len(codes["icd10pcs"]) >= 2


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_every_named_code_is_valid_in_the_loaded_release(
    codes_stub: codes_grpc.CodesServiceStub, system: str
) -> None:
    named = named_codes()[system]
    reply = codes_stub.ValidateCodes(
        pb.ValidateCodesRequest(system=SYSTEMS[system], codes=sorted(named)), timeout=30
    )
    assert len(reply.verdicts) == len(named)
    invalid = {
        verdict.input: (verdict.message, named[verdict.input])
        for verdict in reply.verdicts
        if not verdict.valid or verdict.code != verdict.input
    }
    assert not invalid, f"codes not valid in {system} release {reply.release}: {invalid}"
