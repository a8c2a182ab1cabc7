"""The guest cookie and Origin checks read client text: any text is an answer, never an error."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from medcode_gateway.auth.cookies import GuestSigner, new_guest_id
from medcode_gateway.auth.guards import same_origin
from medcode_gateway.core.problems import Problem

SIGNER = GuestSigner(b"k" * 32)
#: What a cookie or header value can hold once the server decoded it (latin-1).
header_text = st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=80)


def test_a_signed_guest_id_verifies_and_a_changed_one_does_not() -> None:
    guest_id = new_guest_id()
    value = SIGNER.sign(guest_id)
    assert SIGNER.verify(value) == guest_id
    assert SIGNER.verify(value[:-1] + ("A" if value[-1] != "A" else "B")) is None
    assert GuestSigner(b"other" * 8).verify(value) is None


@given(guest_id=st.uuids().map(lambda u: u.hex), mac=header_text)
def test_a_forged_mac_of_any_characters_is_no_guest(guest_id: str, mac: str) -> None:
    signed = SIGNER.sign(guest_id)
    value = f"{guest_id}.{mac}"
    assert SIGNER.verify(value) == (guest_id if value == signed else None)


@given(value=header_text)
def test_any_cookie_text_is_a_guest_or_none(value: str) -> None:
    found = SIGNER.verify(value)
    assert found is None or SIGNER.sign(found) == value


def _origin_request(origin: str, host: str = "medcode.example") -> Request:
    headers = [(b"host", host.encode("latin-1")), (b"origin", origin.encode("latin-1"))]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


@pytest.mark.parametrize(
    "origin", ["http://[::1", "https://[medcode.example", "http://[::1]x:80", "http://[v1.x]"]
)
def test_a_malformed_origin_is_a_403(origin: str) -> None:
    with pytest.raises(Problem) as refused:
        asyncio.run(same_origin(_origin_request(origin)))
    assert refused.value.status == 403 and "Origin" in refused.value.detail


@given(origin=header_text)
def test_any_origin_is_allowed_or_refused_with_a_403(origin: str) -> None:
    try:
        asyncio.run(same_origin(_origin_request(origin)))
    except Problem as refused:
        assert refused.status == 403


def test_the_same_site_passes_and_another_is_refused() -> None:
    asyncio.run(same_origin(_origin_request("https://medcode.example")))
    asyncio.run(same_origin(_origin_request("null")))
    with pytest.raises(Problem):
        asyncio.run(same_origin(_origin_request(f"https://{uuid.uuid4().hex}.example")))
