"""Reading laterality, encounter, stage, type and control from a sentence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medcode_assistant.case2code.specificity import read_specificity


def read(text: str, word: str) -> dict[str, str | None]:
    spec = read_specificity(text, 0, len(text), text.index(word))
    return {
        "laterality": spec.laterality.value if spec.laterality else None,
        "encounter": spec.encounter.value if spec.encounter else None,
        "stage": spec.stage.value if spec.stage else None,
        "type": spec.diabetes_type.value if spec.diabetes_type else None,
        "control": spec.control.value if spec.control else None,
    }


def test_side_nearest_the_mention_wins() -> None:
    text = "Left knee pain and right hip pain"
    assert read(text, "knee")["laterality"] == "left"
    assert read(text, "hip")["laterality"] == "right"
    assert read("Pain in both knees", "knees")["laterality"] == "bilateral"


def test_encounter_words_map_to_the_seventh_character_meaning() -> None:
    assert read("Fracture, follow-up visit", "Fracture")["encounter"] == "subsequent encounter"
    assert read("Fracture, initial visit", "Fracture")["encounter"] == "initial encounter"
    assert read("Sequela of burn", "burn")["encounter"] == "sequela"
    assert read("Fracture of radius", "Fracture")["encounter"] is None


def test_stage_type_and_control() -> None:
    assert read("CKD stage 3b", "CKD")["stage"] == "3b"
    assert read("Pressure ulcer stage IV", "ulcer")["stage"] == "4"
    assert read("T1DM, poorly controlled", "T1DM")["type"] == "1"
    assert read("DM 2 with hypoglycemia", "DM")["type"] == "2"
    assert read("DM 2 with hypoglycemia", "DM")["control"] == "hypoglycemia"
    assert read("Uncontrolled diabetes", "diabetes")["control"] == "hyperglycemia"
    assert read("Diabetes", "Diabetes") == dict.fromkeys(
        ("laterality", "encounter", "stage", "type", "control")
    )


@given(st.text(max_size=200), st.integers(min_value=0, max_value=200))
def test_details_always_lie_inside_the_sentence(text: str, at: int) -> None:
    start, end = len(text) // 4, len(text)
    spec = read_specificity(text, start, end, min(at, len(text)))
    for detail in spec.details():
        assert start <= detail.start < detail.end <= end
