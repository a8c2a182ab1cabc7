"""Request ids: what a caller may send is kept, anything else is replaced, binding nests."""

from __future__ import annotations

import re
import string

import grpc
from hypothesis import given
from hypothesis import strategies as st

from medcode_common.request_ids import (
    MAX_LENGTH,
    METADATA_KEY,
    NO_REQUEST,
    accept_or_new,
    bound_request_id,
    current_request_id,
    from_metadata,
    is_sane,
    outgoing_metadata,
)
from medcode_common.rpc_client import with_request_id

SAFE_ALPHABET = string.ascii_letters + string.digits + "._:-"
NEW_ID = re.compile(r"[0-9a-f]{32}")
sane_ids = st.text(alphabet=SAFE_ALPHABET, min_size=1, max_size=MAX_LENGTH).filter(
    lambda value: value != NO_REQUEST
)


@given(sane_ids)
def test_a_sane_id_is_kept_as_sent(value: str) -> None:
    assert is_sane(value)
    assert accept_or_new(value) == value


@given(st.text(max_size=300))
def test_anything_else_becomes_a_new_uuid(value: str) -> None:
    chosen = accept_or_new(value)
    if set(value) <= set(SAFE_ALPHABET) and 1 <= len(value) <= MAX_LENGTH and value != NO_REQUEST:
        assert chosen == value
    else:
        assert NEW_ID.fullmatch(chosen), chosen
        assert chosen != value


def test_log_injection_and_overlong_ids_are_replaced() -> None:
    for hostile in ("", "-", "a" * (MAX_LENGTH + 1), "id\nFAKE LOG LINE", "x y", "é", "<script>"):
        assert not is_sane(hostile)
        assert NEW_ID.fullmatch(accept_or_new(hostile))
    assert NEW_ID.fullmatch(accept_or_new(None))
    assert accept_or_new(None) != accept_or_new(None)


def test_binding_nests_and_restores() -> None:
    assert current_request_id() == NO_REQUEST
    with bound_request_id("outer"):
        with bound_request_id("inner"):
            assert current_request_id() == "inner"
        assert current_request_id() == "outer"
    assert current_request_id() == NO_REQUEST


@given(sane_ids, st.lists(st.tuples(st.sampled_from(["a", "b", METADATA_KEY]), sane_ids)))
def test_outgoing_metadata_carries_exactly_the_bound_id(
    request_id: str, others: list[tuple[str, str]]
) -> None:
    assert outgoing_metadata(others) is None  # nothing bound: the call is left alone
    with bound_request_id(request_id):
        pairs = outgoing_metadata(others)
    assert pairs is not None
    assert [value for key, value in pairs if key == METADATA_KEY] == [request_id]
    assert [p for p in pairs if p[0] != METADATA_KEY] == [p for p in others if p[0] != METADATA_KEY]
    assert from_metadata(pairs) == request_id


def test_from_metadata_ignores_binary_values_and_absence() -> None:
    assert from_metadata(None) is None
    assert from_metadata([("user-agent", "x")]) is None
    assert from_metadata([(METADATA_KEY, b"raw")]) is None


def test_client_details_get_a_new_metadata_object() -> None:
    original = grpc.aio.Metadata(("a", "1"))
    details = grpc.aio.ClientCallDetails("/s/M", 1.0, original, None, None)
    assert with_request_id(details) is details  # no request bound
    with bound_request_id("req-1"):
        changed = with_request_id(details)
    assert list(changed.metadata) == [("a", "1"), (METADATA_KEY, "req-1")]
    assert list(original) == [("a", "1")], "the caller's metadata must not change"
