"""Case2Code ranking rules, each against the real index of the 2026 code sets over gRPC, on
every backend available (Elasticsearch when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, SEARCH

# The first Elasticsearch run bulk-loads every code set into the cluster (ELASTICSEARCH_URL).
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def stub(backend_search_address: str) -> Iterator[pb_grpc.SearchServiceStub]:
    with service_auth.channel(backend_search_address, identity=GATEWAY, audience=SEARCH) as channel:
        yield pb_grpc.SearchServiceStub(channel)


def codes(stub: pb_grpc.SearchServiceStub, query: str, **options: object) -> list[str]:
    request = pb.SearchRequest(query=query, **options)  # type: ignore[arg-type]
    return [hit.code for hit in stub.Search(request, timeout=10).hits]


@pytest.mark.parametrize("typed", ["e119", "E11.9", " E119 "])
def test_exact_code_is_first(stub: pb_grpc.SearchServiceStub, typed: str) -> None:
    reply = stub.Search(pb.SearchRequest(query=typed, systems=["icd10cm"]), timeout=10)
    assert reply.hits[0].code == "E11.9"
    assert reply.hits[0].reasons[0] == pb.MATCH_REASON_CODE


def test_code_prefix_lists_the_subtree_in_code_order(stub: pb_grpc.SearchServiceStub) -> None:
    found = codes(stub, "E11.6", systems=["icd10cm"], limit=12)
    assert found[0] == "E11.6"
    subtree = [code for code in found[1:] if code.startswith("E11.6")]
    assert subtree == sorted(subtree) and len(subtree) == 11


def test_words_in_any_order(stub: pb_grpc.SearchServiceStub) -> None:
    forward = codes(stub, "essential hypertension", systems=["icd10cm"], limit=3)
    backward = codes(stub, "hypertension essential", systems=["icd10cm"], limit=3)
    assert forward[0] == backward[0] == "I10"


@pytest.mark.parametrize(
    ("typo", "expected"), [("alzimer disease", "G30"), ("pnuemonia unspecified", "J18.9")]
)
def test_typos_still_find_the_code(
    stub: pb_grpc.SearchServiceStub, typo: str, expected: str
) -> None:
    found = codes(stub, typo, systems=["icd10cm"], limit=10)
    assert any(code.startswith(expected) for code in found), found


@pytest.mark.parametrize(
    ("lay", "expected"),
    [("heart attack", "I21"), ("high blood pressure", "I10"), ("hives", "L50")],
)
def test_lay_words_find_clinical_codes(
    stub: pb_grpc.SearchServiceStub, lay: str, expected: str
) -> None:
    reply = stub.Search(pb.SearchRequest(query=lay, systems=["icd10cm"], limit=10), timeout=10)
    hits = [hit for hit in reply.hits if hit.code.startswith(expected)]
    assert hits, [hit.code for hit in reply.hits]
    lay_reasons = {pb.MATCH_REASON_SYNONYM, pb.MATCH_REASON_INCLUSION_TERM}
    assert lay_reasons & set(hits[0].reasons)


def test_billable_code_ranks_above_its_category(stub: pb_grpc.SearchServiceStub) -> None:
    found = codes(stub, "type 2 diabetes mellitus without complications", systems=["icd10cm"])
    assert found.index("E11.9") < found.index("E11") if "E11" in found else found[0] == "E11.9"


def test_filters(stub: pb_grpc.SearchServiceStub) -> None:
    reply = stub.Search(
        pb.SearchRequest(query="diabetes", billable_only=True, within="E08-E13", limit=50),
        timeout=10,
    )
    assert reply.hits and all(h.billable and h.code.startswith("E") for h in reply.hits)
    pcs = codes(stub, "bypass cerebral ventricle", systems=["icd10pcs"], limit=5)
    assert pcs and all(len(code) == 7 for code in pcs)


def test_highlight_and_why(stub: pb_grpc.SearchServiceStub) -> None:
    hit = stub.Search(pb.SearchRequest(query="essential hypertension"), timeout=10).hits[0]
    assert "<em>hypertension</em>" in hit.highlight
    assert pb.MATCH_REASON_TITLE in hit.reasons


def test_suggest_from_the_first_character(stub: pb_grpc.SearchServiceStub) -> None:
    for typed in ("e", "E1", "diab", "hyperten"):
        reply = stub.Suggest(pb.SuggestRequest(query=typed, systems=["icd10cm"]), timeout=10)
        assert reply.suggestions, typed
    titles = stub.Suggest(pb.SuggestRequest(query="hyperten", systems=["icd10cm"]), timeout=10)
    assert all("hyperten" in s.title.lower() for s in titles.suggestions)


@pytest.mark.parametrize(
    "query", ['"', "a:b", "(E11", "*", "é ñ 中文", "E11)))", "\\", "AND OR NOT"]
)
def test_syntax_characters_are_searched_as_text(
    stub: pb_grpc.SearchServiceStub, query: str
) -> None:
    stub.Search(pb.SearchRequest(query=query), timeout=10)
    stub.Suggest(pb.SuggestRequest(query=query), timeout=10)


@pytest.mark.parametrize(
    "request_",
    [
        pb.SearchRequest(query=" "),
        pb.SearchRequest(query="x" * 257),
        pb.SearchRequest(query="flu", systems=["icd9"]),
        pb.SearchRequest(query="a", limit=501),
    ],
)
def test_bad_requests_are_invalid_argument(
    stub: pb_grpc.SearchServiceStub, request_: pb.SearchRequest
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.Search(request_, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_index_status(stub: pb_grpc.SearchServiceStub) -> None:
    status = stub.GetIndexStatus(pb.GetIndexStatusRequest(), timeout=10)
    assert status.document_count > 170_000 and len(status.releases) >= 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("abscess pulmonary", "J85.2"),  # "Abscess of lung without pneumonia"
        ("hepatic abscess", "K75.0"),  # "Abscess of liver"
        ("kidney colic", "N23"),  # "Unspecified renal colic"
        ("agenesis duodenum", "Q41.0"),  # "Congenital absence, atresia and stenosis of duodenum"
    ],
)
def test_word_families_find_the_other_wording(
    stub: pb_grpc.SearchServiceStub, query: str, expected: str
) -> None:
    assert codes(stub, query, systems=["icd10cm"], limit=3)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected", "reason"),
    [
        # J94.0 is titled "Chylous effusion"; "chylothorax" is
        # written in another code's note that points at J94.0.
        ("chylothorax", "J94.0", pb.MATCH_REASON_NOTE_REFERENCE),
        # "Cloudburst" is an inclusion term of X37.8, the heading of the 7th-character code.
        ("cloudburst", "X37.8XXA", pb.MATCH_REASON_HEADING),
    ],
)
def test_says_when_the_words_came_from_elsewhere(
    stub: pb_grpc.SearchServiceStub, query: str, expected: str, reason: int
) -> None:
    reply = stub.Search(pb.SearchRequest(query=query, systems=["icd10cm"], limit=3), timeout=10)
    assert reply.hits[0].code == expected
    assert list(reply.hits[0].reasons) == [reason]


def test_words_no_sibling_explains_prefer_the_other_code(stub: pb_grpc.SearchServiceStub) -> None:
    # No typhoid code names an abscess: the index files it under "with other complications".
    found = codes(stub, "typhoid fever abscess", systems=["icd10cm"], limit=10)
    assert "A01.09" in found[:3]
    assert all(found.index("A01.09") < found.index(c) for c in ("A01.03", "A01.04") if c in found)
