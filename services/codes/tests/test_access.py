"""Who may call the codes service: code pages only through the gateway, the export only to
search, and nobody without a service token (finding: `codes.GetCode` served full pages to
anyone who reached the port, unmetered)."""

from __future__ import annotations

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.access import POLICY, SERVICE
from medcode_common.service_auth import (
    ACCOUNTS,
    CLI,
    CODES,
    GATEWAY,
    METERING,
    SEARCH,
    channel,
    undeclared_methods,
)

PAGE = pb.GetCodeRequest(system=pb.CODE_SYSTEM_ICD10CM, code="E11.9")


def refusal(call: object) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    return caught.value.code()  # type: ignore[no-any-return,attr-defined]


def test_a_code_page_without_a_token_is_refused(codes_address: str) -> None:
    with grpc.insecure_channel(codes_address) as anonymous:
        stub = pb_grpc.CodesServiceStub(anonymous)
        assert refusal(lambda: stub.GetCode(PAGE, timeout=5)) == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("identity", [SEARCH, METERING, ACCOUNTS, CLI])
def test_only_the_gateway_reads_code_pages(codes_address: str, identity: str) -> None:
    with channel(codes_address, identity=identity, audience=CODES) as other:
        stub = pb_grpc.CodesServiceStub(other)
        assert refusal(lambda: stub.GetCode(PAGE, timeout=5)) == grpc.StatusCode.PERMISSION_DENIED
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        assert pb_grpc.CodesServiceStub(gateway).GetCode(PAGE, timeout=5).code.code == "E11.9"


def test_only_search_exports_and_both_list_releases(codes_address: str) -> None:
    export = pb.ExportCodesRequest(system=pb.CODE_SYSTEM_ICD10CM)
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        stub = pb_grpc.CodesServiceStub(gateway)
        assert refusal(lambda: next(stub.ExportCodes(export, timeout=5))) == (
            grpc.StatusCode.PERMISSION_DENIED
        )
        assert stub.ListReleases(pb.ListReleasesRequest(), timeout=5).releases
    with channel(codes_address, identity=SEARCH, audience=CODES) as search:
        stub = pb_grpc.CodesServiceStub(search)
        assert next(stub.ExportCodes(export, timeout=60)).codes
        assert stub.ListReleases(pb.ListReleasesRequest(), timeout=5).releases


def test_a_token_for_another_service_is_refused(codes_address: str) -> None:
    """The gateway's token for metering does not open codes (tokens are per callee)."""
    with channel(codes_address, identity=GATEWAY, audience=METERING) as misaddressed:
        stub = pb_grpc.CodesServiceStub(misaddressed)
        assert refusal(lambda: stub.GetCode(PAGE, timeout=5)) == grpc.StatusCode.UNAUTHENTICATED


def test_every_method_has_a_policy() -> None:
    assert undeclared_methods(SERVICE, POLICY) == []
