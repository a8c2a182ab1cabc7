"""Type-ahead rules (Suggest) against the real index of the 2026 code sets over gRPC, on every
backend available (Elasticsearch when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator

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


def suggest(stub: pb_grpc.SearchServiceStub, typed: str, **options: object) -> list[pb.Hit]:
    options.setdefault("systems", ["icd10cm"])
    request = pb.SuggestRequest(query=typed, **options)  # type: ignore[arg-type]
    return list(stub.Suggest(request, timeout=30).suggestions)


def codes(stub: pb_grpc.SearchServiceStub, typed: str, **options: object) -> list[str]:
    return [hit.code for hit in suggest(stub, typed, **options)]


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("toothac", {"K08.89"}),  # toothache, an inclusion term of K08.89
        ("dandru", {"L21.0"}),  # dandruff, a lay word: seborrhea capitis
        ("runny no", {"R09.81", "J34.89"}),  # the lay phrase runny nose
        ("pink ", {"H10.9", "H10.30", "H10.33"}),  # after a space: the phrase pink eye
        ("heart att", {"I21.9", "I21.3", "I21.4"}),
    ],
)
def test_a_half_typed_word_is_completed(
    stub: pb_grpc.SearchServiceStub, typed: str, wanted: set[str]
) -> None:
    assert codes(stub, typed)[0] in wanted


def test_the_completion_is_said_as_why_it_matched(stub: pb_grpc.SearchServiceStub) -> None:
    (first, *_rest) = suggest(stub, "toothac")
    assert first.code == "K08.89" and pb.MATCH_REASON_INCLUSION_TERM in first.reasons
    assert first.matched_text == "Toothache NOS"


def test_sprained_ank_is_an_ankle_sprain_not_the_jaw(stub: pb_grpc.SearchServiceStub) -> None:
    found = codes(stub, "sprained ank", limit=20)
    assert found[0].startswith("S93.4")
    ankle = [position for position, code in enumerate(found) if code.startswith("S93.4")]
    assert "S03.4" not in found or found.index("S03.4") > max(ankle)


def test_earlier_words_may_be_prefixes_or_typos(stub: pb_grpc.SearchServiceStub) -> None:
    assert codes(stub, "chron kid dis")[0] == "N18.9"
    assert codes(stub, "ost kne")[0].startswith("M17")
    assert "E11.9" in codes(stub, "diabetis typ")[:2]


def test_short_prefixes_prefer_what_people_look_up(stub: pb_grpc.SearchServiceStub) -> None:
    found = suggest(stub, "diab")
    assert all("diabet" in hit.title.lower() for hit in found[:5])
    assert "E11.9" in [hit.code for hit in found[:3]]
    assert codes(stub, "hyp")[0] == "I10"


def test_a_common_code_does_not_pass_a_clearly_better_match(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    # R07.9 "Chest pain, unspecified" is on the common list; what was typed says breathing.
    found = codes(stub, "chest pain on br")
    assert found[0] == "R07.1" and found.index("R07.9") > 0


def test_code_prefixes_list_common_codes_first(stub: pb_grpc.SearchServiceStub) -> None:
    for typed in ("e11.", "E11", "e11"):
        assert codes(stub, typed)[:2] == ["E11", "E11.9"], typed
    assert set(codes(stub, "992", systems=["cpt"])[:2]) == {"99213", "99214"}
    exact = suggest(stub, "E11.9")[0]
    assert exact.code == "E11.9" and list(exact.reasons) == [pb.MATCH_REASON_CODE]


def test_letters_alone_suggest_words_before_codes(stub: pb_grpc.SearchServiceStub) -> None:
    first = suggest(stub, "d", systems=[])[0]
    assert pb.MATCH_REASON_CODE_PREFIX not in first.reasons


def test_filters_apply_as_in_search(stub: pb_grpc.SearchServiceStub) -> None:
    billable = suggest(stub, "diab", billable_only=True, limit=20)
    assert billable and all(hit.billable for hit in billable)
    assert any(not hit.billable for hit in suggest(stub, "diab", limit=20))
    cpt = suggest(stub, "blood dr", systems=["cpt"])
    assert cpt and {hit.system for hit in cpt} == {"cpt"} and cpt[0].code == "36415"
    assert len(suggest(stub, "a", systems=[], limit=3)) == 3


def test_over_every_system_a_diagnosis_prefix_finds_diagnoses(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    found = suggest(stub, "diab", systems=[])
    assert found[0].system == "icd10cm" and "diabet" in found[0].title.lower()
