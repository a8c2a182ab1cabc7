"""Fuzz every documented endpoint from the OpenAPI schema: never a 5xx, always as documented.

schemathesis generates valid and invalid requests (wrong types, huge strings, odd unicode,
missing fields, both positive and negative modes) for each operation of the live gateway in
front of the real services. Every answer must be no server error, a status the operation
documents, with the documented content type, and a body that matches the documented schema
(the response models, or the problem document for errors). (schemathesis' pytest plugin does
not load under pytest 9, so the operations are driven with hypothesis directly from the
schema's strategies.)
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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


@pytest.mark.parametrize("as_key", [True, False], ids=["api-key", "anonymous"])
def test_every_answer_is_documented_and_never_5xx(
    gateway_url: str, internal_key: str, as_key: bool
) -> None:
    schema = schemathesis.openapi.from_url(f"{gateway_url}/openapi.json")
    headers = {"X-API-Key": internal_key} if as_key else {}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the schema lost operations"
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        for operation in operations:
            strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE) | (
                operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            )

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:
                kwargs = case.as_transport_kwargs(base_url=gateway_url)
                kwargs.pop("base_url", None)
                cookies = kwargs.pop("cookies", None) or {}
                if cookies:
                    kwargs.setdefault("headers", {})["Cookie"] = "; ".join(
                        f"{name}={value}" for name, value in cookies.items()
                    )
                response = client.request(**kwargs)
                try:
                    case.validate_response(response, checks=CHECKS)
                except (FailureGroup, AssertionError) as failure:
                    summary = str(failure).strip().splitlines()[0:3]
                    failures.append(
                        f"{case.method} {kwargs['url']} -> {response.status_code}: {summary}"
                    )

            fuzz()
    assert not failures, "\n".join(sorted(set(failures))[:20])
