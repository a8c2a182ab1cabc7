"""The build lease, as the requests the real Elasticsearch client sends and the decisions it
takes on Elasticsearch's answers (see elastic_script.py: no cluster is obtainable here)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.backends.elastic_lease import (
    BuildLease,
    Held,
    LeaseLost,
    expired,
    lease_document,
)

from .elastic_script import Conversation, Reply, scripted_client

NOW = 1_800_000_000.0
INDEX, DOC = "/medcode-codes-lease", "/medcode-codes-lease/_doc/medcode-codes"
CREATED_INDEX = Reply("PUT", INDEX, {"acknowledged": True, "index": "medcode-codes-lease"})
CONFLICT = {"error": {"type": "version_conflict_engine_exception"}, "status": 409}


def _written(seq_no: int, result: str = "created") -> dict[str, Any]:
    return {"_id": "medcode-codes", "_seq_no": seq_no, "_primary_term": 1, "result": result}


def _found(holder: str, *, expires_in: float, seq_no: int = 7) -> dict[str, Any]:
    source = lease_document(holder=holder, key="old", now=NOW - 60, seconds=60 + expires_in)
    return {"_id": "medcode-codes", "_seq_no": seq_no, "_primary_term": 1, "found": True,
            "_source": source}  # fmt: skip


def _lease(replies: list[Reply], holder: str = "search-a") -> tuple[BuildLease, Conversation]:
    conversation = Conversation(replies)
    client = scripted_client(conversation)
    lease = BuildLease(client, alias="medcode-codes", holder=holder, seconds=120, clock=lambda: NOW)
    return lease, conversation


def test_the_first_pod_creates_the_lease_with_op_type_create() -> None:
    lease, conversation = _lease(
        [
            CREATED_INDEX,
            Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", _written(0), 201),
        ]
    )
    held = lease.acquire("abc")
    assert held == Held("abc", 0, 1, NOW + 120)
    create_index, create = conversation.sent
    assert create_index.body["settings"] == {"number_of_shards": 1, "number_of_replicas": 1}
    assert create.body == {
        "holder": "search-a",
        "key": "abc",
        "renewed_at": int(NOW * 1000),
        "expires_at": int((NOW + 120) * 1000),
    }


def test_a_lease_another_pod_holds_is_left_alone() -> None:
    lease, conversation = _lease(
        [
            CREATED_INDEX,
            Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", CONFLICT, 409),
            Reply("GET", DOC, _found("search-b", expires_in=30)),
        ]
    )
    assert lease.acquire("abc") is None
    assert [sent.method for sent in conversation.sent] == ["PUT", "PUT", "GET"]  # no write


def test_an_expired_lease_is_taken_over_only_if_nobody_wrote_it_since() -> None:
    lease, conversation = _lease(
        [
            CREATED_INDEX,
            Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", CONFLICT, 409),
            Reply("GET", DOC, _found("search-b", expires_in=-1, seq_no=7)),
            Reply("PUT", DOC, _written(8, "updated")),
        ]
    )
    held = lease.acquire("abc")
    assert held is not None and (held.seq_no, held.key) == (8, "abc")
    takeover = conversation.sent[-1]
    assert takeover.params == {"if_seq_no": "7", "if_primary_term": "1"}
    assert takeover.body["holder"] == "search-a"


def test_two_pods_taking_over_one_expired_lease_leave_one_builder() -> None:
    lease, _conversation = _lease(
        [
            CREATED_INDEX,
            Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", CONFLICT, 409),
            Reply("GET", DOC, _found("search-b", expires_in=-1)),
            Reply("PUT", DOC, CONFLICT, 409),  # search-c's takeover was written first
        ]
    )
    assert lease.acquire("abc") is None


def test_a_lease_released_between_create_and_read_is_not_taken_this_round() -> None:
    lease, _conversation = _lease(
        [
            CREATED_INDEX,
            Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", CONFLICT, 409),
            Reply("GET", DOC, {"_id": "medcode-codes", "found": False}, 404),
        ]
    )
    assert lease.acquire("abc") is None


def test_renewing_writes_only_over_its_own_last_write() -> None:
    lease, conversation = _lease([Reply("PUT", DOC, _written(4, "updated"))])
    held = Held("abc", 3, 1, NOW)
    lease.renew(held)
    assert conversation.sent[0].params == {"if_seq_no": "3", "if_primary_term": "1"}
    assert (held.seq_no, held.expires_at) == (4, NOW + 120)


def test_a_lease_taken_over_meanwhile_is_lost_on_renewal() -> None:
    lease, _conversation = _lease([Reply("PUT", DOC, CONFLICT, 409)])
    with pytest.raises(LeaseLost):
        lease.renew(Held("abc", 3, 1, NOW))


@pytest.mark.parametrize("status", [200, 404, 409])
def test_release_deletes_only_its_own_lease(status: int) -> None:
    body = _written(5, "deleted") if status == 200 else CONFLICT
    lease, conversation = _lease([Reply("DELETE", DOC, body, status)])
    lease.release(Held("abc", 4, 1, NOW))  # a successor's lease (409) or none (404) stays
    assert conversation.sent[0].params == {"if_seq_no": "4", "if_primary_term": "1"}


def test_the_lease_index_is_created_once() -> None:
    create = Reply("PUT", "/medcode-codes-lease/_create/medcode-codes", CONFLICT, 409)
    held_elsewhere = Reply("GET", DOC, _found("search-b", expires_in=30))
    lease, conversation = _lease(
        [Reply("PUT", INDEX, CONFLICT, 400), create, held_elsewhere, create, held_elsewhere]
    )
    assert lease.acquire("abc") is None and lease.acquire("abc") is None
    assert conversation.paths().count(f"PUT {INDEX}") == 1


@given(st.floats(min_value=0, max_value=2e9), st.floats(min_value=0.001, max_value=1e6))
def test_a_lease_expires_exactly_when_its_seconds_have_passed(now: float, seconds: float) -> None:
    body = lease_document(holder="a", key="k", now=now, seconds=seconds)
    assert not expired(body, now)
    assert expired(body, now + seconds + 0.001)
