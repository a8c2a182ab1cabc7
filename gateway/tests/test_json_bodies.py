"""The JSON body check: every Unicode document passes, every lone surrogate is found."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.core.json_bodies import is_json, surrogate_path, unicode_error

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
_surrogates = st.integers(0xD800, 0xDFFF).map(chr)


@given(document=documents, ascii_only=st.booleans())
def test_any_unicode_document_passes(document: Any, ascii_only: bool) -> None:
    body = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
    assert unicode_error(body) is None


@given(
    document=st.lists(documents, max_size=4),
    where=st.integers(min_value=0),
    prefix=st.text(max_size=5),
    surrogate=_surrogates,
)
def test_a_lone_surrogate_anywhere_is_found_where_it_is(
    document: list[Any], where: int, prefix: str, surrogate: str
) -> None:
    position = where % (len(document) + 1)
    document.insert(position, {"field": [prefix + surrogate]})
    body = json.dumps({"codes": document}).encode("ascii")  # "\udXXX" escapes
    error = unicode_error(body)
    assert error is not None and error["type"] == "string_unicode"
    assert error["loc"] == ["body", "codes", position, "field", 0]


@given(key=st.text(max_size=5), surrogate=_surrogates)
def test_a_lone_surrogate_in_a_key_is_shown_escaped(key: str, surrogate: str) -> None:
    error = unicode_error(json.dumps({key + surrogate: 1}).encode("ascii"))
    assert error is not None
    shown = error["loc"][-1]
    assert shown.endswith(f"\\u{ord(surrogate):04x}") and shown.encode("utf-8")


@given(body=st.binary(max_size=200))
def test_any_bytes_give_an_answer_not_an_exception(body: bytes) -> None:
    error = unicode_error(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        assert error is not None and error["type"] == "json_invalid"


def test_deep_nesting_is_left_to_the_route() -> None:
    assert unicode_error(b"[" * 100_000 + b'"\\ud800"' + b"]" * 100_000) is None
    deep: Any = "\ud800"
    for _ in range(5_000):
        deep = [deep]
    assert surrogate_path(deep) == [0] * 5_000


def test_json_media_types_are_the_ones_fastapi_parses() -> None:
    assert is_json("application/json")
    assert is_json("Application/JSON; charset=utf-8")
    assert is_json("application/problem+json")
    assert not is_json(None) and not is_json("") and not is_json("text/json")
    assert not is_json("multipart/form-data; boundary=x") and not is_json("application/jsonx")
