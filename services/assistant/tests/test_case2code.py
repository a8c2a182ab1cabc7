"""Case2Code's rules over a small code list the test provides as its `CodeSearch`."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.case2code import Case2Coder, SearchHit

CODES = [
    ("icd10cm", "R07.9", "Chest pain, unspecified", True),
    ("icd10cm", "R50.9", "Fever, unspecified", True),
    ("icd10cm", "I21.9", "Acute myocardial infarction, unspecified", True),
    ("icd10cm", "M25.561", "Pain in right knee", True),
    ("icd10cm", "M25.562", "Pain in left knee", True),
    ("icd10cm", "M25.569", "Pain in unspecified knee", True),
    ("icd10cm", "S52.501A", "Unspecified fracture of right radius, initial encounter", True),
    ("icd10cm", "S52.501D", "Unspecified fracture of right radius, subsequent encounter", True),
    ("icd10cm", "S52.502A", "Unspecified fracture of left radius, initial encounter", True),
    ("icd10cm", "E11.9", "Type 2 diabetes mellitus without complications", True),
    ("icd10cm", "E10.9", "Type 1 diabetes mellitus without complications", True),
    ("icd10cm", "E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease", True),
    ("icd10cm", "E11.65", "Type 2 diabetes mellitus with hyperglycemia", True),
    ("icd10cm", "N18.31", "Chronic kidney disease, stage 3a", True),
    ("icd10cm", "N18.9", "Chronic kidney disease, unspecified", True),
    ("icd10cm", "I10", "Essential (primary) hypertension", True),
    ("icd10cm", "I12.9", "Hypertensive chronic kidney disease with stage 1-4 CKD", True),
    ("icd10cm", "J18.9", "Pneumonia, unspecified organism", True),
    ("icd10pcs", "0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach", True),
]
_WORD = re.compile(r"[a-z0-9]+")


class ListSearch:
    """A `CodeSearch` over CODES: a code finds itself; words rank by how many titles share."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    async def search(
        self, query: str, *, systems: Sequence[str] = (), limit: int = 10
    ) -> list[SearchHit]:
        self.queries.append(query)
        rows = [row for row in CODES if not systems or row[0] in systems]
        exact = [row for row in rows if row[1] == query]
        if exact:
            return [SearchHit(*exact[0], score=10.0)]
        words = set(_WORD.findall(query.lower()))
        scored = []
        for system, code, title, billable in rows:
            score = len(words & set(_WORD.findall(title.lower())))
            if score:
                scored.append(SearchHit(system, code, title, billable, float(score)))
        scored.sort(key=lambda hit: -hit.score)
        return scored[:limit]


def suggest(text: str, limit: int = 10) -> pb.Case2CodeResponse:
    return asyncio.run(Case2Coder(ListSearch()).suggest(text, limit))


def codes(reply: pb.Case2CodeResponse) -> list[str]:
    return [suggestion.code for suggestion in reply.suggestions]


def test_negated_mentions_are_excluded_never_suggested() -> None:
    reply = suggest("Patient denies chest pain. No fever. Right knee pain.")
    assert "R07.9" not in codes(reply) and "R50.9" not in codes(reply)
    assert codes(reply)[0] == "M25.561"
    negated = {item.code for item in reply.excluded if item.negated}
    assert negated == {"R07.9", "R50.9"}


def test_history_and_status_post_are_historical() -> None:
    reply = suggest("History of MI. Status post appendectomy. Pneumonia today.")
    assert "I21.9" not in codes(reply) and "0DTJ4ZZ" not in codes(reply)
    historical = {item.code for item in reply.excluded if item.historical}
    assert historical == {"I21.9", "0DTJ4ZZ"}
    assert codes(reply)[0] == "J18.9"


def test_laterality_picks_the_side_written() -> None:
    assert codes(suggest("Left knee pain for two weeks."))[0] == "M25.562"
    assert codes(suggest("Right knee pain after a fall."))[0] == "M25.561"


def test_unsaid_laterality_is_missing_and_unspecified_code_leads() -> None:
    reply = suggest("Knee pain for two weeks.")
    assert codes(reply)[0] == "M25.569"
    assert "laterality for 'Knee pain'" in reply.missing


def test_encounter_becomes_the_seventh_character() -> None:
    assert codes(suggest("Fracture of right radius, subsequent encounter."))[0] == "S52.501D"
    assert codes(suggest("Fracture of right radius, initial encounter."))[0] == "S52.501A"
    assert any("encounter" in item for item in suggest("Fracture of right radius.").missing)


def test_diabetes_with_ckd_prefers_the_combination_code() -> None:
    reply = suggest("Type 2 diabetes with CKD stage 3a.")
    assert set(codes(reply)[:2]) == {"E11.22", "N18.31"}
    assert "E11.9" not in codes(reply)


def test_hypertension_with_ckd_is_hypertensive_ckd() -> None:
    reply = suggest("Hypertension and chronic kidney disease.")
    assert "I12.9" in codes(reply)[:2] and "I10" not in codes(reply)


def test_diabetes_without_type_is_listed_missing_and_control_coded() -> None:
    reply = suggest("Diabetes with hyperglycemia.")
    assert codes(reply)[0] == "E11.65"
    assert "type for 'Diabetes'" in reply.missing


@pytest.mark.parametrize(("text", "limit"), [("", 10), ("   ", 10), ("x" * 20_001, 10)])
def test_bad_text_is_refused(text: str, limit: int) -> None:
    with pytest.raises(ValueError, match="characters"):
        suggest(text, limit)


@pytest.mark.parametrize("limit", [-1, 51])
def test_bad_limit_is_refused(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        suggest("fever", limit)


def test_limit_caps_suggestions() -> None:
    assert len(suggest("Knee pain. Pneumonia. Hypertension.", 1).suggestions) == 1


CLINICAL_WORDS = st.sampled_from(
    [
        "denies",
        "no",
        "history of",
        "s/p",
        "left",
        "right",
        "knee pain",
        "fever",
        "diabetes",
        "CKD",
        "stage 3a",
        "MI",
        "fracture",
        "initial encounter",
        ".",
        ",",
        "type 2",
        "\n",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(CLINICAL_WORDS, st.text(min_size=1, max_size=8)), min_size=1, max_size=25)
)
def test_any_text_gives_spans_that_slice_it_exactly(words: list[str]) -> None:
    text = " ".join(words)
    if not text.strip():
        return
    reply = suggest(text)
    for item in [*reply.suggestions, *reply.excluded]:
        assert item.evidence
        for evidence in item.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
    assert not {s.code for s in reply.suggestions if s.negated or s.historical}


def test_family_hypothetical_and_ruled_out_mentions_are_not_suggested() -> None:
    reply = suggest("Mother has diabetes. Return if fever develops. Possible pneumonia. Knee pain.")
    assert not {"E11.9", "R50.9", "J18.9"} & set(codes(reply))
    assert {"E11.9", "R50.9", "J18.9"} <= {item.code for item in reply.excluded}


def test_ckd_without_stage_lists_the_stage_missing() -> None:
    reply = suggest("Chronic kidney disease on follow-up.")
    assert "stage for 'Chronic kidney disease'" in reply.missing


def test_zero_limit_means_the_default() -> None:
    text = "Knee pain. Pneumonia. Hypertension. Fever. Chest pain. Diabetes. CKD."
    assert 1 < len(suggest(text, 0).suggestions) <= 10


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300))
def test_any_unicode_text_never_raises(text: str) -> None:
    if not text.strip():
        with pytest.raises(ValueError):
            suggest(text)
        return
    reply = suggest(text)
    for item in [*reply.suggestions, *reply.excluded]:
        for evidence in item.evidence:
            assert text[evidence.start : evidence.end] == evidence.text


def test_a_combination_code_not_loaded_falls_back_to_searching_each_mention() -> None:
    reply = suggest("Type 2 diabetes with peripheral neuropathy.")  # E11.42 is not in CODES
    assert "E11.42" not in codes(reply)
    assert codes(reply)[0].startswith("E11")
    assert any(e.text == "Type 2 diabetes" for s in reply.suggestions for e in s.evidence)


def test_uncontrolled_diabetes_asks_which_control_status() -> None:
    reply = suggest("Type 2 diabetes, poorly controlled.")
    assert codes(reply)[0] == "E11.65"
    assert "control status for 'Type 2 diabetes'" in reply.missing
    assert not any(
        m.startswith("control") for m in suggest("Type 2 diabetes with hyperglycemia.").missing
    )
