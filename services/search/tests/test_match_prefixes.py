"""MatchPrefixes (the Clinical Tables matcher) over gRPC, on every backend available: the same
answers from the corpus whatever index serves candidates, and clear errors."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, SEARCH

pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def stub(backend_search_address: str) -> Iterator[pb_grpc.SearchServiceStub]:
    with service_auth.channel(backend_search_address, identity=GATEWAY, audience=SEARCH) as channel:
        yield pb_grpc.SearchServiceStub(channel)


def match(
    stub: pb_grpc.SearchServiceStub, terms: str, **options: object
) -> pb.MatchPrefixesResponse:
    options.setdefault("system", "icd10cm")
    options.setdefault("limit", 7)
    request = pb.MatchPrefixesRequest(terms=terms, **options)  # type: ignore[arg-type]
    return stub.MatchPrefixes(request, timeout=30)


def test_every_term_starts_a_word_and_matches_come_in_code_order(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    reply = match(stub, "dia mel", billable_only=True, limit=500)
    assert reply.total == len(reply.hits) > 100
    for hit in reply.hits:
        words = hit.title.lower().replace(",", " ").split()
        assert any(w.startswith("dia") for w in words) and any(w.startswith("mel") for w in words)
    assert [h.code for h in reply.hits] == sorted(h.code for h in reply.hits)


def test_the_total_counts_every_match_beyond_the_page(stub: pb_grpc.SearchServiceStub) -> None:
    whole = match(stub, "tuberc", limit=500)
    page = match(stub, "tuberc", offset=10, limit=5)
    assert page.total == whole.total and [h.code for h in page.hits] == [
        h.code for h in whole.hits[10:15]
    ]
    assert match(stub, "tuberc", limit=0).total == whole.total


def test_fields_filters_and_constraints(stub: pb_grpc.SearchServiceStub) -> None:
    by_code = match(stub, "E11.6", fields=[pb.MATCH_FIELD_CODE], limit=50)
    assert by_code.hits and all(h.code.startswith("E11.6") for h in by_code.hits)
    assert match(stub, "E11.6", fields=[pb.MATCH_FIELD_TITLE]).total == 0
    billable = match(stub, "A15", billable_only=True, limit=50)
    expected = ["A15.0", "A15.4", "A15.5", "A15.6", "A15.7", "A15.8", "A15.9"]
    assert [h.code for h in billable.hits] == expected
    every = match(stub, "A15", limit=50)
    assert [h.code for h in every.hits] == ["A15", "A15-A19", *expected]  # headings too
    headings = match(stub, "A15", kinds=["category"], limit=50)
    assert [h.code for h in headings.hits] == ["A15"]
    narrowed = match(stub, "tuberc", q="code:A17* AND NOT name:meningitis", title_fields=["name"])
    assert narrowed.hits and all(h.code.startswith("A17") for h in narrowed.hits)
    assert all("meningitis" not in h.title.lower() for h in narrowed.hits)


def test_synonyms_only_when_asked(stub: pb_grpc.SearchServiceStub) -> None:
    assert match(stub, "heart attack").total == 0
    asked = match(stub, "heart attack", synonyms=True, limit=50)
    assert asked.total > 0 and all("infarction" in h.title.lower() for h in asked.hits)


@pytest.mark.parametrize(
    ("options", "status", "words"),
    [
        ({"terms": " "}, grpc.StatusCode.INVALID_ARGUMENT, "terms is empty"),
        ({"terms": "a", "system": "icd9"}, grpc.StatusCode.INVALID_ARGUMENT, "icd9"),
        ({"terms": "a", "limit": 501}, grpc.StatusCode.INVALID_ARGUMENT, "limit"),
        (
            {"terms": "a", "q": "name:(lung", "title_fields": ["name"]},
            grpc.StatusCode.INVALID_ARGUMENT,
            "unclosed",
        ),
        ({"terms": "a", "system": "hcpcs"}, grpc.StatusCode.NOT_FOUND, "no hcpcs release"),
    ],
)
def test_bad_requests_say_why(
    stub: pb_grpc.SearchServiceStub, options: dict[str, object], status: grpc.StatusCode, words: str
) -> None:
    terms = str(options.pop("terms"))
    with pytest.raises(grpc.RpcError) as raised:
        match(stub, terms, **options)
    assert raised.value.code() == status and words in (raised.value.details() or "")
