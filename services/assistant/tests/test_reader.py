"""The intent reader: each intent from the phrasings coders use, codes and modifiers found,
and (hypothesis) any text is read without error into well-formed codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.code_shapes import code_shaped_tokens, find_code_mentions, find_icd9
from medcode_assistant.reader import description_phrase, find_modifiers, read
from medcode_common.codesystems import MalformedCode, System, normalize_code

QUESTIONS = [
    ("What does E11.9 mean?", pb.INTENT_CODE_MEANING),
    ("E11.9", pb.INTENT_CODE_MEANING),
    ("Is S72.001 billable?", pb.INTENT_BILLABLE),
    ("Which code for type 1 diabetes with ketoacidosis without coma?", pb.INTENT_FIND_CODE),
    ("What is the ICD-10 code for acute appendicitis?", pb.INTENT_FIND_CODE),
    ("What are the Excludes1 notes of J45.909?", pb.INTENT_NOTES),
    ("Does K21.9 have a code first note?", pb.INTENT_NOTES),
    ("What 7th character does T81.4 need?", pb.INTENT_SEVENTH_CHARACTER),
    ("What is the parent of E11.65?", pb.INTENT_HIERARCHY),
    ("What codes are under E10.1?", pb.INTENT_HIERARCHY),
    ("ICD-10 for ICD-9 428.0?", pb.INTENT_CROSSWALK),
    ("What does I50.9 map to in the GEMs?", pb.INTENT_CROSSWALK),
    ("Is N18.6 an MCC?", pb.INTENT_CC_MCC),
    ("Is E87.1 a CC?", pb.INTENT_CC_MCC),
    ("Can 64492 be billed alone?", pb.INTENT_ADD_ON),
    ("Is 99292 an add-on code?", pb.INTENT_ADD_ON),
    ("Can 29880 and 29881 be billed together?", pb.INTENT_NCCI_PTP),
    ("Is there an NCCI edit between 11042 and 97597?", pb.INTENT_NCCI_PTP),
    ("What is the MUE for 20610?", pb.INTENT_MUE),
    ("How many units of 36000 are allowed?", pb.INTENT_MUE),
    ("What are the RVUs for 29881?", pb.INTENT_FEE_SCHEDULE),
    ("What is the global period of 27447?", pb.INTENT_FEE_SCHEDULE),
    ("What does modifier XU mean?", pb.INTENT_MODIFIER),
    ("When do I use modifier 25?", pb.INTENT_MODIFIER),
    ("What is the root operation excision?", pb.INTENT_PCS_STRUCTURE),
    ("What does NEC mean?", pb.INTENT_CONVENTION),
    ('How is "with" read in the classification?', pb.INTENT_CONVENTION),
    ("How do I sequence sepsis with septic shock?", pb.INTENT_GUIDELINE),
    ("What is the guideline for hypertension with CKD?", pb.INTENT_GUIDELINE),
    ("What is an LCD?", pb.INTENT_COVERAGE),
    ("Is this covered by Medicare NCDs?", pb.INTENT_COVERAGE),
    ("What's the weather tomorrow?", pb.INTENT_OUT_OF_SCOPE),
    # phrasings that used to read as "what does this code mean"
    ("What should be coded first with N18?", pb.INTENT_NOTES),
    ("What does I12 exclude?", pb.INTENT_NOTES),
    ("Which additional code goes with O80?", pb.INTENT_NOTES),
    ("What category does J45.909 belong to?", pb.INTENT_HIERARCHY),
    ("What subcategories does E11 have?", pb.INTENT_HIERARCHY),
    ("Which codes sit above S72.001?", pb.INTENT_HIERARCHY),
    ("What section is C50.911 in?", pb.INTENT_HIERARCHY),
    ("Can M54.5 be billed?", pb.INTENT_BILLABLE),
    ("Is A41.9 a major complication?", pb.INTENT_CC_MCC),
    ("Does 71046 have a professional and technical component?", pb.INTENT_FEE_SCHEDULE),
    ("Break down PCS code 0SRC0JZ", pb.INTENT_PCS_STRUCTURE),
    ("What does each character of 0FT44ZZ mean?", pb.INTENT_PCS_STRUCTURE),
    ("Can I bill 20610 with 20611?", pb.INTENT_NCCI_PTP),
    ("Can the hospital bill 71046 and 71045 together?", pb.INTENT_NCCI_PTP),
    ("Outpatient hospital: 96365 with 96360, is there an edit?", pb.INTENT_NCCI_PTP),
    ("Can 64494 be reported without a primary?", pb.INTENT_ADD_ON),
    ("Type 2 diabetes with hypoglycemia without coma, which code?", pb.INTENT_FIND_CODE),
    ("Is that code a CC or MCC?", pb.INTENT_CC_MCC),
    ("Can you look up the NCD for PET scans?", pb.INTENT_COVERAGE),
    ("What do parentheses mean in ICD-10-CM?", pb.INTENT_CONVENTION),
    ("Why does W19.XXXA have three X's?", pb.INTENT_SEVENTH_CHARACTER),
    ("ICD-10 equivalent of ICD-9 496", pb.INTENT_CROSSWALK),
    ("Does Medicare pay for A4252?", pb.INTENT_COVERAGE),
    ("What does Medicare pay for 99213?", pb.INTENT_FEE_SCHEDULE),
    ("How much does Medicare pay nationally for 99213?", pb.INTENT_FEE_SCHEDULE),
]


@pytest.mark.parametrize(("question", "intent"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_each_phrasing_reads_as_its_intent(question: str, intent: int) -> None:
    assert pb.Intent.Name(read(question).intent) == pb.Intent.Name(intent)


def test_every_intent_has_a_phrasing() -> None:
    covered = {intent for _question, intent in QUESTIONS}
    assert covered == set(pb.Intent.values()) - {pb.INTENT_UNSPECIFIED}


def test_codes_modifiers_and_icd9_are_found() -> None:
    reading = read(
        "Can 99213 with modifier 25 and J1100 be billed with s72.001a, b12 or ICD-9 428.0?"
    )
    found = {code for mention in reading.codes for _s, code in mention.fits}
    assert {"99213", "J1100", "J11.00"} <= found
    assert reading.modifiers == ("25",)
    assert reading.icd9 == ("428.0",)
    assert "S72.001A" in found  # lowercase with a dot is a code
    assert "B12" not in found  # lowercase prose words ("b12") count only with a dot


def test_a_dotted_lowercase_code_is_found_and_canonical() -> None:
    assert [m.fits for m in find_code_mentions("is e11.9 billable")] == [
        ((System.ICD10CM, "E11.9"),)
    ]


def test_a_range_end_is_a_code_but_not_a_word_after_a_lettered_hyphen() -> None:
    found = [m.text for m in find_code_mentions("categories A00-Y89; ICD-10CM X-ray")]
    assert found == ["A00", "Y89"]


def test_a_description_before_which_code_is_the_phrase_searched() -> None:
    reading = read("Type 2 diabetes with hypoglycemia without coma, which code?")
    assert reading.phrase == "Type 2 diabetes with hypoglycemia without coma"


def test_an_icd9_category_without_a_dot_counts_only_after_icd9() -> None:
    assert find_icd9("ICD-9 486 maps to which ICD-10 code?") == ["486"]
    assert find_icd9("ICD-9-CM V27 and then 99213") == ["V27"]
    assert find_icd9("Is 486 units allowed for 20610?") == []


def test_an_icd9_code_is_not_read_as_a_loaded_code() -> None:
    assert find_code_mentions("ICD-9-CM V45.81 maps to") == []
    assert find_icd9("ICD-9 V45.81 and 250.00") == ["V45.81", "250.00"]


def test_the_description_is_what_follows_the_question_words() -> None:
    assert description_phrase("Which code for type 2 diabetes with CKD?") == (
        "type 2 diabetes with CKD"
    )
    assert description_phrase('code for "acute appendicitis" please') == "acute appendicitis"


def test_modifiers_named_three_ways() -> None:
    assert find_modifiers("modifier xu, the RT modifier and -59") == ("XU", "RT", "59")


_CODE_LIKE = st.from_regex(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?|[0-9]{4}[0-9FTU]", fullmatch=True)
_PROSE = st.text(alphabet=st.sampled_from("abcdefg hij?.,-'\"0123456789ABCXZ"), max_size=60)


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text: str) -> None:
    reading = read(text)
    assert reading.intent in pb.Intent.values()
    for mention in reading.codes:
        for system, code in mention.fits:
            assert normalize_code(system, code) == code


@given(_PROSE, _CODE_LIKE, _PROSE)
def test_a_code_in_prose_is_found(before: str, code: str, after: str) -> None:
    text = f"{before} {code} {after}"
    try:
        canonical = normalize_code(System.ICD10CM, code)
    except MalformedCode:
        canonical = code
    assert canonical in code_shaped_tokens(text) or code in code_shaped_tokens(text)
