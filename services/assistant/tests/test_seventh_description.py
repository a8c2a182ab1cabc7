"""Choosing the 7th character a described question names, from a category's own options
(the S82 and O32 options as the FY2026 tabular lists them)."""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode_assistant.answers_seventh import best_seventh, described

S82 = [
    cpb.SeventhCharacter(character="A", description="initial encounter for closed fracture"),
    cpb.SeventhCharacter(
        character="B", description="initial encounter for open fracture type I or II"
    ),
    cpb.SeventhCharacter(
        character="D",
        description="subsequent encounter for closed fracture with routine healing",
    ),
    cpb.SeventhCharacter(character="S", description="sequela"),
]
O32 = [
    cpb.SeventhCharacter(character=str(n), description=f"fetus {n}") for n in (1, 2, 3, 4, 5)
] + [cpb.SeventhCharacter(character="0", description="not applicable or unspecified")]


def test_the_option_sharing_most_words_wins() -> None:
    title = "Unspecified fracture of upper end of right tibia"
    chosen = best_seventh("Fracture of right tibia, initial closed: 7th character?", S82, title)
    assert chosen is not None and chosen.character == "A"


def test_a_number_picks_its_fetus() -> None:
    chosen = best_seventh("Breech presentation, fetus 3: which 7th character?", O32)
    assert chosen is not None and chosen.character == "3"


def test_nothing_named_picks_nothing() -> None:
    title = "Unspecified fracture of upper end of right tibia"
    assert best_seventh("Fracture of right tibia: 7th character?", S82, title) is None


def test_the_description_is_the_text_before_the_ask() -> None:
    assert described("Concussion, initial encounter: what is the full code?") == (
        "Concussion, initial encounter"
    )
    assert described("Concussion without loss of consciousness") == (
        "Concussion without loss of consciousness"
    )
