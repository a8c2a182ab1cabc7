"""One builder per index: the pod holding the lease builds and swaps; the others keep serving,
wait, and switch once the alias has moved. Checked as the conversation the real Elasticsearch
client has with the cluster (see elastic_script.py: no cluster is obtainable here)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from medcode_search.backends import create_backend
from medcode_search.backends.elastic import ElasticBackend
from medcode_search.backends.elastic_lease import LeaseLost, lease_document
from medcode_search.backends.elastic_mapping import to_source
from medcode_search.documents import IndexedCode
from medcode_search.settings import SearchSettings

from .elastic_script import Conversation, Reply, scripted_client

KEY = "0123456789abcdef"
TARGET = f"medcode-codes-5-{KEY}"
OLD = "medcode-codes-5-aaaaaaaaaaaaaaaa"
OLDER = "medcode-codes-5-bbbbbbbbbbbbbbbb"
LEASE, LEASE_DOC = "/medcode-codes-lease", "/medcode-codes-lease/_doc/medcode-codes"
CREATE_LEASE = "/medcode-codes-lease/_create/medcode-codes"
CONFLICT = {"error": {"type": "version_conflict_engine_exception"}, "status": 409}
DOCUMENTS = [
    IndexedCode("cpt", "27447", "Total knee replacement", "code", True, "r1", (), ("SURG",)),
    IndexedCode("cpt", "45378", "Diagnostic colonoscopy", "code", True, "r1", (), ("SURG",)),
    IndexedCode("cpt", "29881", "Knee arthroscopy", "code", True, "r1", (), ("SURG",)),
]


def _written(seq_no: int) -> dict[str, Any]:
    return {"_id": "medcode-codes", "_seq_no": seq_no, "_primary_term": 1, "result": "created"}


def _aliased(*indices: str) -> Reply:
    if not indices:
        return Reply("GET", "/_alias/medcode-codes", {}, 404)
    return Reply(
        "GET", "/_alias/medcode-codes", {i: {"aliases": {"medcode-codes": {}}} for i in indices}
    )


def _held_elsewhere() -> list[Reply]:
    source = lease_document(holder="search-b", key=KEY, now=4e9, seconds=60)  # far future
    found = {"_id": "medcode-codes", "_seq_no": 3, "_primary_term": 1, "_source": source}
    return [Reply("PUT", CREATE_LEASE, CONFLICT, 409), Reply("GET", LEASE_DOC, found)]


def _read_back(index: str) -> list[Reply]:
    """What Elasticsearch answers while a pod reads an index's documents back (a scroll)."""
    hits = [
        {"_index": index, "_id": str(n), "_source": {"document": to_source(d)["document"]}}
        for n, d in reversed(list(enumerate(DOCUMENTS)))  # any order: ids say where
    ]
    shards = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}
    page = {"_scroll_id": "s1", "_shards": shards, "hits": {"hits": hits}}
    return [
        Reply("POST", f"/{index}/_count", {"count": len(DOCUMENTS)}),
        Reply("POST", f"/{index}/_search", page),
        Reply(
            "POST", "/_search/scroll", {"_scroll_id": "s1", "_shards": shards, "hits": {"hits": []}}
        ),
        Reply("DELETE", "/_search/scroll", {"succeeded": True}),
    ]


def _backend(replies: list[Reply], **options: Any) -> tuple[ElasticBackend, Conversation]:
    conversation = Conversation(replies)
    settings: dict[str, Any] = {"holder": "search-a", "follow_seconds": 0.01, "warm": False}
    settings.update(options)
    backend = ElasticBackend(
        client=scripted_client(conversation), alias="medcode-codes", replicas=0, **settings
    )
    return backend, conversation


def _load(backend: ElasticBackend, fetched: list[str] | None = None) -> list[str]:
    """Run one load of KEY; returns the on_swap calls (one "swap" when it switched)."""
    swaps: list[str] = []

    async def fetch() -> list[IndexedCode]:
        if fetched is not None:
            fetched.append("export")
        return DOCUMENTS

    asyncio.run(backend.load(key=KEY, fetch=fetch, on_swap=lambda: swaps.append("swap")))
    return swaps


BUILD = [
    Reply("DELETE", f"/{TARGET}", {"error": "index_not_found_exception"}, 404),  # no leftover
    Reply("PUT", f"/{TARGET}", {"acknowledged": True}),
    Reply("PUT", "/_bulk", {"errors": False, "items": [{"index": {"status": 201}}] * 3}),
    Reply("POST", f"/{TARGET}/_refresh", {}),
    Reply("PUT", LEASE_DOC, _written(1)),  # still ours right before the swap
]


def test_the_lease_holder_builds_swaps_and_deletes_all_but_the_replaced_index() -> None:
    backend, conversation = _backend(
        [
            _aliased(OLD),
            Reply("PUT", LEASE, {"acknowledged": True}),
            Reply("PUT", CREATE_LEASE, _written(0), 201),
            _aliased(OLD),
            *BUILD,
            Reply("POST", "/_aliases", {"acknowledged": True}),
            Reply(
                "GET",
                "/medcode-codes-*",
                {TARGET: {}, OLD: {}, OLDER: {}, "medcode-codes-lease": {}},
            ),
            Reply("DELETE", f"/{OLDER}", {"acknowledged": True}),
            Reply("DELETE", LEASE_DOC, {"result": "deleted"}),
        ]
    )
    fetched: list[str] = []
    assert _load(backend, fetched) == ["swap"] and fetched == ["export"]
    assert not conversation.replies
    swap = next(s for s in conversation.sent if s.path == "/_aliases")
    assert swap.body == {
        "actions": [
            {"remove": {"index": OLD, "alias": "medcode-codes"}},
            {"add": {"index": TARGET, "alias": "medcode-codes"}},
        ]
    }
    bulk = next(s for s in conversation.sent if s.path == "/_bulk").body
    assert [line["index"]["_id"] for line in bulk[::2]] == ["0", "1", "2"]  # corpus positions
    # The builder serves what it exported, searching the concrete index it built.
    assert backend.serving == TARGET and backend.document_count() == 3
    release = conversation.sent[-1]
    assert release.params == {"if_seq_no": "1", "if_primary_term": "1"}


def test_a_pod_without_the_lease_serves_on_and_switches_once_the_alias_moves() -> None:
    backend, conversation = _backend(
        [
            _aliased(OLD),
            Reply("PUT", LEASE, {"acknowledged": True}),
            *_held_elsewhere(),
            _aliased(OLD),
            *_held_elsewhere(),
            _aliased(TARGET),  # the builder swapped
            *_read_back(TARGET),
        ]
    )
    fetched: list[str] = []
    assert _load(backend, fetched) == ["swap"]
    assert fetched == []  # it never exported: only the builder does
    assert not conversation.replies
    built = {"/_bulk", "/_aliases", f"/{TARGET}"}
    assert not [s for s in conversation.sent if s.path in built and s.method != "GET"]
    assert backend.serving == TARGET
    assert backend.engine is not None
    assert [d.code for d in backend.engine.documents] == [d.code for d in DOCUMENTS]


def test_a_read_only_pod_never_asks_for_the_lease() -> None:
    backend, conversation = _backend(
        [_aliased(OLD), _aliased(TARGET), *_read_back(TARGET)], builds=False
    )
    assert _load(backend) == ["swap"]
    assert backend.lease is None
    assert not [s for s in conversation.sent if s.path.startswith(LEASE)]


def test_a_follower_stops_waiting_and_keeps_its_index_when_no_build_finishes() -> None:
    backend, conversation = _backend(
        [_aliased(OLD), *_read_back(OLD), *[_aliased(OLD)] * 50],
        builds=False,
        follow_seconds=0.02,
        follow_timeout=0.1,
    )
    asyncio.run(backend.load(key="aaaaaaaaaaaaaaaa", fetch=_never))  # serves OLD first
    assert backend.serving == OLD
    assert _load(backend) == []  # no swap: the holder keeps recording the old releases
    assert backend.serving == OLD and backend.ready()
    assert conversation.paths().count("GET /_alias/medcode-codes") >= 3  # it looked again


def test_a_pod_of_an_older_mapping_never_builds_over_a_newer_one() -> None:
    newer = "medcode-codes-6-cccccccccccccccc"  # built by the next release of this service
    backend, conversation = _backend(
        [*[_aliased(newer)] * 50], follow_seconds=0.02, follow_timeout=0.05
    )
    assert _load(backend) == []
    assert not [s for s in conversation.sent if s.path.startswith(LEASE)]
    assert not backend.ready()


async def _never() -> list[IndexedCode]:
    raise AssertionError("a follower never exports")


def test_a_builder_that_lost_its_lease_does_not_move_the_alias() -> None:
    backend, conversation = _backend(
        [
            _aliased(OLD),
            Reply("PUT", LEASE, {"acknowledged": True}),
            Reply("PUT", CREATE_LEASE, _written(0), 201),
            _aliased(OLD),
            *BUILD[:-1],
            Reply("PUT", LEASE_DOC, CONFLICT, 409),  # taken over while it stalled
            Reply("DELETE", LEASE_DOC, CONFLICT, 409),  # the successor's lease stays
        ]
    )
    with pytest.raises(LeaseLost):
        _load(backend)
    assert "POST /_aliases" not in conversation.paths()
    assert not backend.ready()


def test_searches_go_to_the_concrete_index_the_corpus_came_from() -> None:
    backend, conversation = _backend([_aliased(TARGET), *_read_back(TARGET)], builds=False)
    _load(backend)
    answer = {"hits": {"hits": [{"_id": "2", "_score": 7.0}, {"_id": "0", "_score": 3.0}]}}
    conversation.replies.append(Reply("POST", f"/{TARGET}/_msearch", {"responses": [answer]}))
    hits, total = asyncio.run(
        backend.search(
            "knee arthroscopy", systems=[], billable_only=False, limit=5, offset=0, within=""
        )
    )
    assert [hit.document.code for hit in hits] == ["29881", "27447"] and total == 2


@pytest.mark.parametrize("builds", [True, False])
def test_settings_choose_who_may_build_and_under_which_name(builds: bool) -> None:
    settings = SearchSettings(
        backend="elasticsearch",
        elasticsearch_builds=builds,
        elasticsearch_holder="search-7f9c",
        elasticsearch_lease_seconds=90,
    )
    backend = create_backend(settings, popularity=None)
    assert isinstance(backend, ElasticBackend)
    if builds:
        assert backend.lease is not None
        assert (backend.lease.holder, backend.lease.seconds) == ("search-7f9c", 90)
        assert backend.lease.index == "medcode-codes-lease"
    else:
        assert backend.lease is None
    asyncio.run(backend.close())
