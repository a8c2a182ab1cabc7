"""Fuzz every documented endpoint from the OpenAPI schema: never a 5xx, always as documented.

schemathesis generates valid and invalid requests (wrong types, huge strings, odd unicode,
missing fields, both positive and negative modes) for each operation of the live gateway in
front of the real services. Every answer must be no server error, a status the operation
documents, with the documented content type, and a body that matches the documented schema
(the response models, or the problem document for errors). A third run sends, on top of each
generated request, the headers and cookies an attacker controls: non-ASCII and surrogate-ish
bytes, huge values, malformed Origins, X-Forwarded-For garbage, forged guest and session
cookies, garbage credentials. (schemathesis' pytest plugin does not load under pytest 9, so
the operations are driven with hypothesis directly from the schema's strategies.)
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

EXAMPLES_PER_OPERATION = 40
HOSTILE_EXAMPLES_PER_OPERATION = 25
#: Well under the HTTP server's header limit, so every request reaches the gateway.
MAX_HOSTILE_BYTES = 10_000

#: Bytes a header may legally carry (HTAB, visible ASCII, obs-text), without the separators.
_HEADER_BYTES = [9, *range(0x20, 0x7F), *range(0x80, 0x100)]
_SURROGATE_ISH = [
    b"\xed\xa0\x80",  # U+D800 as (invalid) UTF-8
    b"\xed\xbf\xbf",  # U+DFFF
    b"\\ud800",  # a JSON escape, as text
    b"\xc3\x28",  # a broken two-byte sequence
    b"\xef\xbb\xbf\xed\xa0",  # a UTF-8 BOM and half a surrogate
    "é".encode("latin-1"),
    "é".encode(),
]
_header_text = (
    st.lists(st.sampled_from(_HEADER_BYTES), min_size=1, max_size=60)
    .map(lambda codes: bytes(codes).strip(b" \t"))
    .filter(bool)
)
hostile_value = st.one_of(
    st.sampled_from(_SURROGATE_ISH),
    _header_text,
    st.builds(lambda n, c: c * n, st.integers(500, 3000), st.sampled_from([b"A", b"\xff", b","])),
)
origins = st.sampled_from(
    [b"http://[::1", b"http://[::1]x", b"https://[medcode", b"http://a:b:c", b"://", b"null"]
) | hostile_value.map(lambda v: b"http://" + v)
forwarded_for = st.lists(
    st.sampled_from([b"garbage", b"unknown", b"[::1", b"1.2.3.4:99999", b"203.0.113.7", b""])
    | hostile_value,
    min_size=1,
    max_size=4,
).map(b", ".join)
_forged_jwt = b"eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
cookies = st.fixed_dictionaries(
    {},
    optional={
        b"medcode_guest": hostile_value.map(lambda v: uuid.uuid4().hex.encode() + b"." + v)
        | hostile_value,
        b"medcode_session": st.just(_forged_jwt) | hostile_value,
        b"medcode_refresh": hostile_value,
        b"medcode_csrf": hostile_value,
    },
).map(lambda jar: b"; ".join(name + b"=" + value for name, value in jar.items()))
hostile_headers = (
    st.fixed_dictionaries(
        {},
        optional={
            b"origin": origins,
            b"x-forwarded-for": forwarded_for,
            b"cookie": cookies.filter(bool),
            b"x-request-id": hostile_value,
            b"authorization": st.sampled_from([b"Bearer ", b"Bearer mc_live_", b"Basic "]).flatmap(
                lambda scheme: hostile_value.map(lambda v: scheme + v)
            )
            | st.just(b"Bearer " + _forged_jwt),
            b"x-api-key": hostile_value.map(lambda v: b"mc_live_" + v) | hostile_value,
            b"x-csrf-token": hostile_value,
            b"user-agent": hostile_value,
            b"accept-language": hostile_value,
        },
    )
    .map(
        # HTTP itself forbids leading and trailing blanks: the client would refuse to send them.
        lambda headers: {name: value.strip(b" \t") or b"-" for name, value in headers.items()}
    )
    .filter(lambda headers: sum(map(len, headers.values())) < MAX_HOSTILE_BYTES)
)


def _request_kwargs(
    case: schemathesis.Case, base_url: str, hostile: dict[bytes, bytes]
) -> dict[str, Any]:
    """httpx arguments for `case`, its cookies as a header, the hostile headers on top."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    kwargs.pop("base_url", None)
    headers = [
        (name.lower().encode(), str(value).encode("latin-1", "replace"))
        for name, value in (kwargs.pop("headers", None) or {}).items()
        if name.lower().encode() not in hostile
    ]
    jar = kwargs.pop("cookies", None) or {}
    if jar and b"cookie" not in hostile:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in jar.items()).encode()))
    kwargs["headers"] = [*headers, *hostile.items()]
    return kwargs


def _fuzz(gateway_url: str, headers: dict[str, str], *, hostile: bool) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{gateway_url}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the schema lost operations"
    extra = hostile_headers if hostile else st.just({})
    examples = HOSTILE_EXAMPLES_PER_OPERATION if hostile else EXAMPLES_PER_OPERATION
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        for operation in operations:
            strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE) | (
                operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            )

            @given(case=strategy, attack=extra)
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case, attack: dict[bytes, bytes]) -> None:
                kwargs = _request_kwargs(case, gateway_url, attack)
                response = client.request(**kwargs)
                for name in attack:  # schemathesis re-checks the request's headers as text
                    del response.request.headers[name.decode()]
                try:
                    case.validate_response(response, checks=CHECKS)
                except (FailureGroup, AssertionError) as failure:
                    summary = str(failure).strip().splitlines()[0:3]
                    sent = sorted(name.decode() for name in attack)
                    failures.append(
                        f"{case.method} {kwargs['url']} {sent} -> {response.status_code}: {summary}"
                    )

            fuzz()
    return failures


@pytest.mark.parametrize("as_key", [True, False], ids=["api-key", "anonymous"])
def test_every_answer_is_documented_and_never_5xx(
    assistant_gateway_url: str, internal_key: str, as_key: bool
) -> None:
    headers = {"X-API-Key": internal_key} if as_key else {}
    failures = _fuzz(assistant_gateway_url, headers, hostile=False)
    assert not failures, "\n".join(sorted(set(failures))[:20])


def test_hostile_headers_and_cookies_are_never_a_5xx(assistant_gateway_url: str) -> None:
    failures = _fuzz(assistant_gateway_url, {}, hostile=True)
    assert not failures, "\n".join(sorted(set(failures))[:20])
