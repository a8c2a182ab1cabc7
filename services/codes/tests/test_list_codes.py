"""ListCodes over real gRPC: every node of a release exactly once, in tabular order, in pages
a sitemap can ask for by position; bad pages are INVALID_ARGUMENT and only the gateway calls."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes.listing import MAX_PAGE_SIZE
from medcode_common.service_auth import CODES, GATEWAY, SEARCH, channel

CM, CPT = pb.CODE_SYSTEM_ICD10CM, pb.CODE_SYSTEM_CPT


@pytest.fixture(scope="module")
def stub(codes_address: str) -> Iterator[pb_grpc.CodesServiceStub]:
    with channel(codes_address, identity=GATEWAY, audience=CODES) as gateway:
        yield pb_grpc.CodesServiceStub(gateway)


def page(
    stub: pb_grpc.CodesServiceStub, system: int, offset: int = 0, size: int = 0
) -> pb.ListCodesResponse:
    request = pb.ListCodesRequest(system=system, offset=offset, page_size=size)
    return stub.ListCodes(request, timeout=30)


def every_code(stub: pb_grpc.CodesServiceStub, system: int, size: int) -> list[pb.CodeSummary]:
    codes: list[pb.CodeSummary] = []
    offset = 0
    while True:
        reply = page(stub, system, offset, size)
        codes.extend(reply.codes)
        if not reply.next_offset:
            return codes
        assert reply.next_offset == offset + len(reply.codes)
        offset = reply.next_offset


def release_count(stub: pb_grpc.CodesServiceStub, system: int) -> int:
    releases = stub.ListReleases(pb.ListReleasesRequest(system=system), timeout=5).releases
    return int(releases[0].code_count)


def test_paging_lists_every_icd10cm_node_once_parents_first(
    stub: pb_grpc.CodesServiceStub,
) -> None:
    codes = every_code(stub, CM, MAX_PAGE_SIZE)
    names = [c.code for c in codes]
    assert len(names) == len(set(names)) == release_count(stub, CM)
    for parent in ("E11", "S72.001", "Z40-Z53"):  # tabular order: parent, then its children
        children = stub.ListChildren(pb.ListChildrenRequest(system=CM, code=parent), timeout=5)
        positions = [names.index(child.code) for child in children.children]
        assert names.index(parent) < positions[0] and positions == sorted(positions)
    top = stub.ListChildren(pb.ListChildrenRequest(system=CM), timeout=5).children
    assert names[0] == top[0].code == "1"
    assert names.index("E11") < names.index("E11.9") < names.index("E13")
    e119 = codes[names.index("E11.9")]
    assert (e119.title, e119.kind, e119.billable) == (
        "Type 2 diabetes mellitus without complications",
        "code",
        True,
    )


def test_the_default_page_and_the_last_page(stub: pb_grpc.CodesServiceStub) -> None:
    total = release_count(stub, CM)
    first = page(stub, CM)
    assert len(first.codes) == 1000 and first.next_offset == 1000
    assert first.total_count == total and first.release == "2026-04-01"
    last = page(stub, CM, offset=total - 3, size=10)
    assert len(last.codes) == 3 and last.next_offset == 0
    beyond = page(stub, CM, offset=total + 5, size=10)
    assert list(beyond.codes) == [] and beyond.next_offset == 0


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(0, 450), size=st.integers(1, 120))
def test_any_page_is_that_slice_of_the_whole_listing(
    stub: pb_grpc.CodesServiceStub, offset: int, size: int
) -> None:
    whole = [c.code for c in every_code(stub, CPT, 50)]
    assert [c.code for c in page(stub, CPT, offset, size).codes] == whole[offset : offset + size]


@pytest.mark.parametrize(
    ("request_", "status", "words"),
    [
        (
            pb.ListCodesRequest(system=CM, page_size=MAX_PAGE_SIZE + 1),
            "INVALID_ARGUMENT",
            "page_size",
        ),
        (pb.ListCodesRequest(system=CM, page_size=-1), "INVALID_ARGUMENT", "page_size"),
        (pb.ListCodesRequest(system=CM, offset=-1), "INVALID_ARGUMENT", "offset"),
        (pb.ListCodesRequest(), "INVALID_ARGUMENT", "system is required"),
        (
            pb.ListCodesRequest(system=CM, release=pb.ReleaseSelector(release="1999-01-01")),
            "NOT_FOUND",
            "1999-01-01",
        ),
    ],
)
def test_bad_requests_say_what_is_wrong(
    stub: pb_grpc.CodesServiceStub, request_: pb.ListCodesRequest, status: str, words: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListCodes(request_, timeout=5)
    error: grpc.Call = caught.value  # type: ignore[assignment]
    assert error.code().name == status and words in (error.details() or "")


def test_only_the_gateway_lists_codes(codes_address: str) -> None:
    request = pb.ListCodesRequest(system=CM)
    with (
        channel(codes_address, identity=SEARCH, audience=CODES) as search,
        pytest.raises(grpc.RpcError) as caught,
    ):
        pb_grpc.CodesServiceStub(search).ListCodes(request, timeout=5)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
