"""The evaluation's own rules: the code-token extractor (property-based), the fact checker,
the loader's errors and the grouping of conversations."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services/assistant/eval"))

from casepilot_eval.code_tokens import CodeToken, code_tokens  # noqa: E402
from casepilot_eval.facts import Answer, check_fact, contains_text, judge  # noqa: E402
from casepilot_eval.questions import (  # noqa: E402
    INTENTS,
    EvalSetError,
    Fact,
    Question,
    conversations,
    load_questions,
    parse_questions,
)

DIGIT = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PCS_ALPHABET = DIGIT + "ABCDEFGHJKLMNPQRSTUVWXYZ"

icd10cm = st.builds(
    lambda head, digit, third, tail: head + digit + third + (f".{tail}" if tail else ""),
    st.sampled_from(UPPER),
    st.sampled_from(DIGIT),
    st.sampled_from(DIGIT + UPPER),
    st.text(alphabet=DIGIT + UPPER, min_size=0, max_size=4),
)
pcs = st.builds(
    lambda first, digit, rest: first + digit + rest,
    st.sampled_from("0123456789BCDFGHX"),
    st.sampled_from(DIGIT),
    st.text(alphabet=PCS_ALPHABET, min_size=5, max_size=5),
)
cpt = st.builds(
    lambda digits, last: digits + last,
    st.text(alphabet=DIGIT, min_size=4, max_size=4),
    st.sampled_from(DIGIT + "FTU"),
)
hcpcs = st.builds(
    lambda letter, digits: letter + digits,
    st.sampled_from("ABCEGHJKLMPQRSTUV"),
    st.text(alphabet=DIGIT, min_size=4, max_size=4),
)
CODES = {"ICD10CM": icd10cm, "ICD10PCS": pcs, "CPT": cpt, "HCPCS": hcpcs}
coded = st.one_of(*(st.tuples(st.just(system), shape) for system, shape in CODES.items()))
separators = st.sampled_from([" ", ", ", " (", ") ", ": ", "; ", "\n- ", " **", "** ", " `", "` "])
words = st.sampled_from(["is", "the code", "billable", "see", "and", "with", "MCC", "RVU"])


@given(st.lists(st.tuples(words, separators, coded, separators), min_size=1, max_size=6))
def test_every_code_in_prose_is_found_with_its_system(parts: list[Any]) -> None:
    text = "".join(f"{word}{left}{code}{right}" for word, left, (_, code), right in parts)
    found = code_tokens(text)
    for _, _, (system, code), _ in parts:
        assert CodeToken(system, code) in found, (text, found)


@given(st.text(max_size=200))
def test_every_token_is_a_standalone_substring_of_the_text(text: str) -> None:
    for token in code_tokens(text):
        assert re.search(rf"(?<![A-Za-z0-9]){re.escape(token.code)}(?![A-Za-z0-9])", text)
    assert len(set(code_tokens(text))) == len(code_tokens(text))


@given(
    st.integers(min_value=0, max_value=99_999),
    st.integers(min_value=0, max_value=9_999),
    st.sampled_from(["$", "", "RVU "]),
)
def test_amounts_and_decimals_are_not_codes(whole: int, fraction: int, prefix: str) -> None:
    text = f"pays {prefix}{whole}.{fraction:02d} nationally"
    assert not [t for t in code_tokens(text) if t.system == "CPT"]


@pytest.mark.parametrize(
    "text",
    ["ICD-9 428.0 maps to it", "effective 2026-04-01", "release RVU25D", "20250101", "123456"],
)
def test_non_codes_are_left_out(text: str) -> None:
    assert code_tokens(text) == []


def test_placeholder_codes_ranges_and_index_dashes() -> None:
    text = "Use T36.0X5A or W19.XXXA; see E08.- and Z68.1-Z68.45; PCS 0DTJ4ZZ."
    assert [t.code for t in code_tokens(text)] == [
        "T36.0X5A",
        "W19.XXXA",
        "E08",
        "Z68.1",
        "Z68.45",
        "0DTJ4ZZ",
    ]


def test_text_matches_whole_words_without_markdown_or_case() -> None:
    assert contains_text("**N18.6** is an *MCC*.", "mcc")
    assert contains_text("Several MCCs apply", "MCC")
    assert contains_text("brackets enclose synonyms", "synonym")
    assert not contains_text("NMCC and MCCX", "MCC")
    assert not contains_text("work RVU 1.30", "1.3")
    assert contains_text("a `090`-day global period", "090")
    assert contains_text("E11 is **not** billable", "not billable")
    assert not contains_text("E11 is not billable", "is billable")


def fact(kind: str, *values: str) -> Fact:
    return Fact(kind, values, "test")


def test_codes_count_from_the_text_or_the_listed_codes() -> None:
    listed = Answer(text="See the code below.", intent="FIND_CODE", codes=frozenset({"E10.10"}))
    written = Answer(text="Use E10.10 here.", intent="FIND_CODE")
    for answer in (listed, written):
        assert check_fact(fact("code", "E10.10"), answer)
        assert not check_fact(fact("absent_code", "E10.10"), answer)
    assert not check_fact(fact("code", "E10.1"), written)


def test_a_code_called_unknown_is_quoted_not_offered() -> None:
    answer = Answer(
        text="I10.9 is not a valid ICD-10-CM code; did you mean I10?",
        intent="CODE_MEANING",
        unknown_codes=frozenset({"I10.9"}),
    )
    assert check_fact(fact("unknown_code", "I10.9"), answer)
    assert check_fact(fact("absent_code", "I10.9"), answer)
    assert not check_fact(fact("absent_code", "I10"), answer)
    assert not check_fact(fact("unknown_code", "I10"), answer)


def _pattern(question_id: str) -> str:
    question = next(q for q in load_questions() if q.id == question_id)
    return next(f.values[0] for f in question.facts if f.kind == "pattern")


@pytest.mark.parametrize(
    ("answer", "passes"),
    [
        ("Modifier indicator **1**: a modifier is allowed.", True),
        ("The modifier indicator is 1 (allowed).", True),
        ("modifier indicator: `1`", True),
        ("Modifier indicator 0: never.", False),
        ("Indicator 10", False),
    ],
)
def test_the_ptp_indicator_pattern(answer: str, passes: bool) -> None:
    pattern = _pattern("ptp-prac-11042-97597")
    assert bool(re.search(pattern, answer)) is passes


@pytest.mark.parametrize(
    ("answer", "passes"),
    [
        ("The practitioner MUE for 20610 is **2** units per day.", True),
        ("MUE value: 2 (date of service edit: policy)", True),
        ("Up to 2 units a day.", True),
        ("- practitioner: at most **2** unit(s) per day (MAI 2)", True),
        ("The MUE is 12 units.", False),
        ("Work RVU 2.25; MUE 1.", False),
    ],
)
def test_the_mue_value_pattern(answer: str, passes: bool) -> None:
    assert bool(re.search(_pattern("mue-20610"), answer)) is passes


def test_an_answer_is_correct_only_with_its_intent_and_every_fact() -> None:
    question = Question(
        "q", "CC_MCC", "Is N18.6 an MCC?", (fact("code", "N18.6"), fact("text", "MCC"))
    )
    good = Answer(text="N18.6 is an MCC.", intent="CC_MCC")
    assert judge(question, good).correct
    assert not judge(question, Answer(text=good.text, intent="CODE_MEANING")).correct
    wrong = judge(question, Answer(text="N18.6 is a CC.", intent="CC_MCC"))
    assert not wrong.correct and wrong.failed_facts == [question.facts[1]]


def _document(**changes: Any) -> list[tuple[str, Any]]:
    questions = [
        {
            "id": f"q-{intent}-{i}",
            "intent": intent,
            "question": f"Question {intent} {i}?",
            "facts": [{"text": "x", "source": "file: field"}],
        }
        for intent in INTENTS
        for i in range(10)
    ]
    questions[0].update(changes)
    return [("test.yaml", {"questions": questions})]


def test_the_loader_accepts_a_well_formed_set() -> None:
    assert len(parse_questions(_document())) == 10 * len(INTENTS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"intent": "WEATHER"}, "unknown intent 'WEATHER'"),
        ({"facts": [{"text": "x"}]}, "every fact needs a source"),
        ({"facts": [{"text": "x", "source": " "}]}, "every fact needs a source"),
        ({"facts": [{"colour": "x", "source": "s"}]}, "a fact needs exactly one of"),
        ({"facts": [{"pattern": "(", "source": "s"}]}, "bad pattern"),
        ({"question": "Question CODE_MEANING 1?"}, "duplicate questions"),
        ({"id": "q-CODE_MEANING-1"}, "duplicate ids"),
        ({"requires": ["lcd"]}, "unknown data sets"),
        ({"intent": "CODE_MEANING"}, "intents with fewer than 10 questions"),
        ({"question": ""}, "missing question"),
    ],
)
def test_the_loader_names_what_is_wrong(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(EvalSetError, match=re.escape(message)):
        parse_questions(_document(**changes))


def test_conversations_keep_their_order_and_other_questions_stand_alone() -> None:
    def q(qid: str, conversation: str = "") -> Question:
        return Question(qid, "CODE_MEANING", qid, (fact("text", "x"),), conversation)

    groups = conversations([q("a", "c1"), q("b"), q("c", "c2"), q("d", "c1"), q("e", "c2")])
    assert [[x.id for x in group] for group in groups] == [["a", "d"], ["b"], ["c", "e"]]
