"""Words coders type for services and visits find them, over every installed code system.

"urinalysis", "cbc" or "ekg" appear in no title as typed (MedCode's CPT wording says "urine
test", "complete blood count", "ECG"); abbreviations, lay words ("shot", "stitches") and word
families (ecg/ekg/electrocardiogram, flu/influenza) bridge them. bench/search_everyday.py
measures 60 such queries; these are the ones that found nothing or the wrong thing before.
Every backend available answers them (Elasticsearch when ELASTICSEARCH_URL is set).
"""

from __future__ import annotations

from collections.abc import Iterator

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


def codes(stub: pb_grpc.SearchServiceStub, query: str) -> list[str]:
    reply = stub.Search(pb.SearchRequest(query=query, limit=10), timeout=10)
    return [hit.code for hit in reply.hits]


@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        ("urinalysis", {"81000", "81001", "81002", "81003"}),
        ("cbc", {"85025", "85027"}),
        ("cmp", {"80053"}),
        ("ekg", {"93000", "93005", "93010"}),
        ("echo", {"93306"}),
        ("flu shot", {"90686", "90656", "Z23"}),
        ("tetanus shot", {"90715", "Z23"}),
        ("stitches", {"12001", "12002", "12004"}),
        ("mole removal", {"11400", "11401", "11402", "11403"}),
        ("physical exam", {"Z00.00", "Z00.01"}),
    ],
)
def test_a_service_word_finds_the_service_in_the_first_three(
    stub: pb_grpc.SearchServiceStub, query: str, accepted: set[str]
) -> None:
    found = codes(stub, query)
    assert accepted & set(found[:3]), found


def test_a_flu_shot_is_a_vaccine_not_the_flu(stub: pb_grpc.SearchServiceStub) -> None:
    # "flu" and "influenza" are one word family, so the CPT wording "flu vaccine" explains
    # the rewrite "influenza vaccine" better than a title about influenza the disease does.
    assert codes(stub, "flu shot")[0] in {"90686", "90656"}


def test_an_operation_named_in_one_word_finds_every_system(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    # PCS says "Resection of Appendix", MedCode's CPT wording "removal of the appendix
    # (appendectomy)": the clinical word reaches both.
    found = codes(stub, "appendectomy")
    assert found[0].startswith("0DTJ"), found
    assert "44970" in found, found
