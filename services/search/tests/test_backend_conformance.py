"""One behaviour suite for every search backend, over gRPC against real servers.

tantivy always runs. Elasticsearch runs when ELASTICSEARCH_URL points at a cluster (the
service builds its own alias there from the real code sets and deletes it afterwards, see
`medcode_search.testing`); otherwise its parameter is skipped and the output says why.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, SEARCH

# Bulk-loading every code set into a real cluster can outlast the default 300 s test timeout.
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def stub(backend_search_address: str) -> Iterator[pb_grpc.SearchServiceStub]:
    with service_auth.channel(backend_search_address, identity=GATEWAY, audience=SEARCH) as channel:
        yield pb_grpc.SearchServiceStub(channel)


def search(stub: pb_grpc.SearchServiceStub, query: str, **options: object) -> pb.SearchResponse:
    request = pb.SearchRequest(query=query, **options)  # type: ignore[arg-type]
    return stub.Search(request, timeout=30)


def codes(stub: pb_grpc.SearchServiceStub, query: str, **options: object) -> list[str]:
    return [hit.code for hit in search(stub, query, **options).hits]


@pytest.mark.parametrize("typed", ["E11.9", "e119", " E119 ", "e11.9"])
def test_exact_code_first_whatever_its_spelling(
    stub: pb_grpc.SearchServiceStub, typed: str
) -> None:
    first = search(stub, typed, systems=["icd10cm"]).hits[0]
    assert (first.code, first.reasons[0]) == ("E11.9", pb.MATCH_REASON_CODE)


def test_prefix_lists_its_subtree_in_code_order(stub: pb_grpc.SearchServiceStub) -> None:
    reply = search(stub, "E11.6", systems=["icd10cm"], limit=12)
    found = [hit.code for hit in reply.hits]
    assert found[0] == "E11.6"
    assert all(hit.reasons[0] == pb.MATCH_REASON_CODE_PREFIX for hit in reply.hits[1:])
    assert found[1:] == sorted(found[1:]) and all(c.startswith("E11.6") for c in found)


def test_word_order_does_not_matter(stub: pb_grpc.SearchServiceStub) -> None:
    forward = codes(stub, "essential hypertension", systems=["icd10cm"], limit=3)
    backward = codes(stub, "hypertension essential", systems=["icd10cm"], limit=3)
    assert forward[0] == backward[0] == "I10"


@pytest.mark.parametrize(("typo", "stem"), [("alzimer disease", "G30"), ("pnuemonia", "J18")])
def test_typo_still_finds_the_code(stub: pb_grpc.SearchServiceStub, typo: str, stem: str) -> None:
    found = codes(stub, typo, systems=["icd10cm"], limit=10)
    assert any(code.startswith(stem) for code in found), found


def test_lay_synonym_finds_the_clinical_code(stub: pb_grpc.SearchServiceStub) -> None:
    hits = search(stub, "heart attack", systems=["icd10cm"], limit=10).hits
    infarctions = [hit for hit in hits if hit.code.startswith("I21")]
    assert infarctions, [hit.code for hit in hits]
    why = {pb.MATCH_REASON_SYNONYM, pb.MATCH_REASON_INCLUSION_TERM}
    assert why & set(infarctions[0].reasons)


def test_billable_code_above_its_category(stub: pb_grpc.SearchServiceStub) -> None:
    found = codes(stub, "type 2 diabetes mellitus without complications", systems=["icd10cm"])
    assert "E11.9" in found[:3], found
    assert "E11" not in found or found.index("E11.9") < found.index("E11")


def test_filters_system_billable_and_chapter(stub: pb_grpc.SearchServiceStub) -> None:
    hits = search(stub, "diabetes", billable_only=True, within="E08-E13", limit=50).hits
    assert hits and all(h.billable and h.system == "icd10cm" for h in hits)
    assert all(h.code[:3] in {"E08", "E09", "E10", "E11", "E13"} for h in hits)
    pcs = search(stub, "bypass cerebral ventricle", systems=["icd10pcs"], limit=5).hits
    assert pcs and all(hit.system == "icd10pcs" for hit in pcs)


def test_paging_is_a_window_of_one_ranking(stub: pb_grpc.SearchServiceStub) -> None:
    whole = search(stub, "fracture of femur", systems=["icd10cm"], limit=10)
    second = search(stub, "fracture of femur", systems=["icd10cm"], limit=5, offset=5)
    assert [h.code for h in second.hits] == [h.code for h in whole.hits[5:10]]
    assert second.total == whole.total >= 10


def test_pages_of_twenty_never_repeat_or_skip_a_code(stub: pb_grpc.SearchServiceStub) -> None:
    whole = search(stub, "fracture", systems=["icd10cm"], limit=100).hits
    paged = [
        hit.code
        for offset in range(0, 100, 20)
        for hit in search(stub, "fracture", systems=["icd10cm"], limit=20, offset=offset).hits
    ]
    assert paged == [hit.code for hit in whole]
    assert len(set(paged)) == 100


@pytest.mark.parametrize("query", ["qzxqvkj", "E11.9", "diabetes"])
def test_empty_result_is_not_an_error(stub: pb_grpc.SearchServiceStub, query: str) -> None:
    within = "XXX" if query != "qzxqvkj" else ""
    reply = search(stub, query, systems=["icd10cm"], within=within)
    assert (list(reply.hits), reply.total) == ([], 0)


@pytest.mark.parametrize(
    "query",
    ['"', ":", "(", "*", "heart:attack", '"diabetes', "(fracture AND", "E11.*", "a~2^3", "[]{}\\/"],
)
def test_query_syntax_characters_are_text(stub: pb_grpc.SearchServiceStub, query: str) -> None:
    search(stub, query)
    stub.Suggest(pb.SuggestRequest(query=query), timeout=30)


def test_blank_query_is_invalid_argument(stub: pb_grpc.SearchServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        search(stub, "   ")
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(("typed", "expected"), [("e11.6", "E11.6"), ("diab", "diabet")])
def test_suggest_from_the_first_characters(
    stub: pb_grpc.SearchServiceStub, typed: str, expected: str
) -> None:
    reply = stub.Suggest(pb.SuggestRequest(query=typed, systems=["icd10cm"]), timeout=30)
    first = reply.suggestions[0]
    assert expected in first.code or expected in first.title.lower(), first


def test_release_and_as_of_choose_what_is_searched(stub: pb_grpc.SearchServiceStub) -> None:
    status = stub.GetIndexStatus(pb.GetIndexStatusRequest(), timeout=30)
    release = next(r.split(":", 1)[1] for r in status.releases if r.startswith("icd10cm:"))
    named = search(stub, "asthma", release=release, limit=20).hits
    assert named and {(h.system, h.release) for h in named} == {("icd10cm", release)}
    in_force = search(stub, "asthma", systems=["icd10cm"], as_of="2999-01-01", limit=5).hits
    assert in_force and {h.release for h in in_force} == {release}
    for options, status_code in [
        ({"release": "no-such-release"}, grpc.StatusCode.NOT_FOUND),
        ({"as_of": "1900-01-01"}, grpc.StatusCode.NOT_FOUND),
        ({"as_of": "01/02/2026"}, grpc.StatusCode.INVALID_ARGUMENT),
    ]:
        with pytest.raises(grpc.RpcError) as raised:
            search(stub, "asthma", **options)
        assert raised.value.code() == status_code
