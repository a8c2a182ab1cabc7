"""Popularity end to end: ViewConsumed events on a real valkey-server reorder equal hits in
the real search service, never lift a weak match, and survive a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode.events.v1 import events_pb2
from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_codes.importers.operator import import_cpt
from medcode_codes.testing_live import write_starter_release
from medcode_common import service_auth
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.service_auth import GATEWAY, SEARCH
from medcode_search.popularity import VIEW_CONSUMED
from medcode_search.testing import SearchThread

from .search_live_services import bus_to, running

#: Made-up codes and words (not AMA text): two identical titles and one clearly better match.
LICENSED = (
    "0995T\tGizmo alignment with flux capacitor calibration\n"
    "0996T\tGizmo alignment\n"
    "0997T\tGizmo alignment\n"
)


@pytest.fixture
def valkey() -> Iterator[ValkeyServer]:
    with ValkeyServer() as server:
        yield server


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "var"
    write_starter_release(folder)
    licensed = tmp_path / "LONGULT.txt"
    licensed.write_text(LICENSED)
    import_cpt(folder, [licensed], release="2026")
    return folder


def ranked(address: str, query: str) -> list[str]:
    with service_auth.channel(address, identity=GATEWAY, audience=SEARCH) as channel:
        stub = pb_grpc.SearchServiceStub(channel)
        reply = stub.Search(pb.SearchRequest(query=query, systems=["cpt"], limit=5), timeout=10)
    return [hit.code for hit in reply.hits]


def view(bus_url: str, code: str, times: int) -> None:
    bus = bus_to(bus_url)()
    for number in range(times):
        event = events_pb2.ViewConsumed(
            subject_type="user", subject_id=f"u{number}", system="cpt", code=code
        )
        bus.publish(VIEW_CONSUMED, event)
    bus.close()


def wait_counted(search: SearchThread, code: str, views: float) -> None:
    assert search.app is not None
    deadline = time.monotonic() + 60
    while search.app.popularity.count(code) < views - 0.01:
        assert time.monotonic() < deadline, "views never counted"
        time.sleep(0.05)


def test_views_reorder_equal_hits_but_never_lift_a_weak_match(
    data_dir: Path, tmp_path: Path, valkey: ValkeyServer
) -> None:
    index_dir = tmp_path / "search"
    with running(data_dir, index_dir, valkey.url) as (address, search):
        equal = ranked(address, "gizmo alignment")
        assert {"0996T", "0997T"} <= set(equal[:3]), equal
        unpopular = "0997T" if equal.index("0997T") > equal.index("0996T") else "0996T"
        assert ranked(address, "gizmo flux capacitor calibration")[0] == "0995T"
        view(valkey.url, unpopular, 5)
        view(valkey.url, "0995T", 1)
        wait_counted(search, unpopular, 5)
        wait_counted(search, "0995T", 1)
        after = ranked(address, "gizmo alignment")
        assert after.index(unpopular) < after.index(_other(unpopular)), after
        view(valkey.url, "0996T", 50)
        wait_counted(search, "0996T", 50)
        assert ranked(address, "gizmo flux capacitor calibration")[0] == "0995T"
    # A restart keeps the counts (no new events): 0996T is now the most viewed of the twins.
    with running(data_dir, index_dir, valkey.url) as (address, _search):
        assert ranked(address, "gizmo alignment").index("0996T") < ranked(
            address, "gizmo alignment"
        ).index("0997T")


def _other(code: str) -> str:
    return "0996T" if code == "0997T" else "0997T"
