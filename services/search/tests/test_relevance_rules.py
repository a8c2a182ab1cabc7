"""The re-scoring rules on the real 2026 index over gRPC: what an alphabetic-index walk types,
on every backend available (Elasticsearch when ELASTICSEARCH_URL is set)."""

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


def hits(
    stub: pb_grpc.SearchServiceStub, query: str, systems: tuple[str, ...] = ("icd10cm",)
) -> list[pb.Hit]:
    request = pb.SearchRequest(query=query, systems=list(systems), limit=10)
    return list(stub.Search(request, timeout=10).hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ac globulin deficiency", "D68.2"), ("tobacco use disorder moderate", "F17.200")],
)
def test_an_inclusion_term_that_says_it_all_ranks_first(
    stub: pb_grpc.SearchServiceStub, query: str, expected: str
) -> None:
    # Both codes have many inclusion terms; BM25 alone ranked shorter titles first.
    first = hits(stub, query)[0]
    assert first.code == expected
    assert pb.MATCH_REASON_INCLUSION_TERM in first.reasons


@pytest.mark.parametrize(
    "query", ["diabetes type 2 with hyperglycemia", "hyperglycemia in type 2 diabetes"]
)
def test_connectors_and_word_order_do_not_matter(
    stub: pb_grpc.SearchServiceStub, query: str
) -> None:
    assert hits(stub, query)[0].code == "E11.65"


def test_bracketed_words_are_optional(stub: pb_grpc.SearchServiceStub) -> None:
    # "Essential (primary) hypertension": the bracketed word is no extra the query lacks.
    assert hits(stub, "hypertension")[0].code == "I10"


def test_plurals_and_stop_words_do_not_change_the_answer(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    plain = [hit.code for hit in hits(stub, "fracture femur neck")]
    wordy = [hit.code for hit in hits(stub, "fractures of the femur neck")]
    assert plain[0] == wordy[0] and plain[0].startswith("S72.0")


def test_an_unknown_word_is_read_by_its_root(stub: pb_grpc.SearchServiceStub) -> None:
    # "choleperitoneum" is in no title; "choleperitonitis" (K65.3) shares its root.
    first = hits(stub, "choleperitoneum")[0]
    assert first.code == "K65.3"
    assert first.reasons[0] == pb.MATCH_REASON_FUZZY


def test_a_title_naming_exactly_what_was_asked_comes_first(stub: pb_grpc.SearchServiceStub) -> None:
    # J18.2 "Hypostatic pneumonia, unspecified organism" scored higher on BM25 alone.
    assert hits(stub, "pneumonia")[0].code == "J18.9"


def test_pregnancy_and_newborn_codes_wait_until_the_query_says_so(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    general = [hit.code for hit in hits(stub, "urinary tract infection")]
    assert general[0] == "N39.0"  # "site not specified" is the default's wording too
    setting = [code for code in general if code[0] in "OP"]
    assert all(general.index(code) > 2 for code in setting)
    assert hits(stub, "urinary tract infection pregnancy")[0].code.startswith("O23.4")


def test_anaesthesia_codes_wait_until_the_query_asks_for_anaesthesia(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    procedure = [hit.code for hit in hits(stub, "colonoscopy", ("cpt",))]
    anaesthesia = [procedure.index(code) for code in ("00811", "00812") if code in procedure]
    colonoscopies = [i for i, code in enumerate(procedure) if code.startswith("453")]
    assert colonoscopies and all(i < min(anaesthesia, default=99) for i in colonoscopies)
    assert hits(stub, "anesthesia colonoscopy", ("cpt",))[0].code == "00812"


@pytest.mark.parametrize("query", ["knee replacement", "total knee arthroplasty"])
def test_a_procedure_named_before_its_explanation_is_found_by_its_name(
    stub: pb_grpc.SearchServiceStub, query: str
) -> None:
    # MedCode's CPT wording reads "Total knee replacement: the worn joint surfaces ...": the
    # name weighs as a title, so the long explanation no longer hides it among 78,000 PCS
    # titles when every system is searched.
    assert hits(stub, query, ())[0].code == "27447"


def test_secondary_codes_need_the_query_to_say_so(stub: pb_grpc.SearchServiceStub) -> None:
    # A neoplasm is primary unless the record says secondary or metastatic (C78.0 and C79.3
    # were second).
    for query, secondary in (
        ("malignant neoplasm lung", "C78"),
        ("malignant neoplasm brain", "C79"),
    ):
        found = [hit.code for hit in hits(stub, query)[:3]]
        assert not [code for code in found if code.startswith(secondary)], found
    assert hits(stub, "secondary malignant neoplasm lung")[0].code.startswith("C78.0")
    assert hits(stub, "metastatic cancer lung")[0].code.startswith("C78.0")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("burn calf right second degree", "T24.231"),  # "... of right lower leg"
        ("syphilis uterus", "A52.76"),  # "Other genitourinary symptomatic late syphilis"
        ("osteonecrosis secondary due to drugs ischium", "M87.15"),  # "... pelvis"
    ],
)
def test_a_body_part_finds_the_region_its_code_is_filed_under(
    stub: pb_grpc.SearchServiceStub, query: str, expected: str
) -> None:
    assert hits(stub, query)[0].code.startswith(expected)


def test_an_inflammation_finds_the_code_filed_under_its_organ(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    assert hits(stub, "cystitis tuberculous")[0].code == "A18.12"  # "Tuberculosis of bladder"


@pytest.mark.parametrize(
    ("query", "category"), [("broken ankle", "S82"), ("hip fracture", "S72"), ("broken hip", "S72")]
)
def test_a_fracture_is_traumatic_unless_the_query_names_another_kind(
    stub: pb_grpc.SearchServiceStub, query: str, category: str
) -> None:
    # Stress, fatigue, pathological and periprosthetic fractures need the record to say so.
    assert hits(stub, query)[0].code.startswith(category)


@pytest.mark.parametrize(
    ("query", "category"), [("pathological fracture", "M84.4"), ("stress fracture ankle", "M84.37")]
)
def test_a_fracture_kind_the_query_names_comes_first(
    stub: pb_grpc.SearchServiceStub, query: str, category: str
) -> None:
    assert hits(stub, query)[0].code.startswith(category)
