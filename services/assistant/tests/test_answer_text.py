"""The answer's markdown and its streamed pieces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.answer import Answer
from medcode_assistant.answers_code import build_with_seventh
from medcode_assistant.service import chunks


@given(st.text(max_size=2000), st.integers(min_value=5, max_value=400))
def test_chunks_join_to_the_text(text: str, size: int) -> None:
    pieces = chunks(text, size)
    assert "".join(pieces) == text
    assert all(piece for piece in pieces)


def test_list_lines_stay_together_and_paragraphs_apart() -> None:
    answer = Answer(intent=pb.INTENT_NOTES)
    for line in ("Notes:", "- one", "- two", "After."):
        answer.say(line)
    assert answer.text == "Notes:\n\n- one\n- two\n\nAfter."


def test_the_placeholder_x_fills_up_to_the_sixth_character() -> None:
    assert build_with_seventh("T81.4", "A") == "T81.4XXA"
    assert build_with_seventh("S72.001", "D") == "S72.001D"
    assert build_with_seventh("S06.0X1", "S") == "S06.0X1S"
    assert build_with_seventh("T36", "A") == "T36.XXXA"
