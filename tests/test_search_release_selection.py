"""Searching a past release, by its name or by the date a claim is coded for (as_of).

Two CPT releases are served by a real codes service: the shipped starter set and a "2026"
release imported from a licensed file that adds one code and rewords 99213.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import NEW_CODE, write_licensed_file, write_starter_release
from medcode_common import service_auth
from medcode_common.service_auth import CODES, GATEWAY, SEARCH
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread

OLD, NEW = "starter-2025", "2026"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """(search address, release -> effective date) over two CPT releases."""
    root = tmp_path_factory.mktemp("releases")
    data_dir = root / "var"
    write_starter_release(data_dir)
    source = write_licensed_file(root / "LONGULT.txt")
    subprocess.run(
        [sys.executable, "-m", "medcode_codes", "import", "cpt", str(source), "--release", NEW]
        + ["--data-dir", str(data_dir)],
        check=True,
    )
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()
    codes_address = f"127.0.0.1:{codes.port}"
    with service_auth.channel(codes_address, identity=SEARCH, audience=CODES) as channel:
        listed = codes_grpc.CodesServiceStub(channel).ListReleases(
            codes_pb.ListReleasesRequest(), timeout=10
        )
    effective = {r.release: r.effective_date for r in listed.releases}
    search = SearchThread(
        SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=root / "search",
            events=False,
            warm=False,
        )
    )
    search.start()
    try:
        yield f"127.0.0.1:{search.port}", effective
    finally:
        search.stop()
        codes.stop()


@pytest.fixture(scope="module")
def stub(services: tuple[str, dict[str, str]]) -> Iterator[pb_grpc.SearchServiceStub]:
    with service_auth.channel(services[0], identity=GATEWAY, audience=SEARCH) as channel:
        yield pb_grpc.SearchServiceStub(channel)


def hits(stub: pb_grpc.SearchServiceStub, query: str, **options: str) -> list[pb.Hit]:
    request = pb.SearchRequest(query=query, systems=["cpt"], limit=50, **options)
    return list(stub.Search(request, timeout=10).hits)


def test_both_releases_are_indexed_and_the_newest_is_searched_by_default(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    status = stub.GetIndexStatus(pb.GetIndexStatusRequest(), timeout=10)
    assert list(status.releases) == [f"cpt:{NEW}", f"cpt:{OLD}"]
    found = [h for h in hits(stub, "99213") if h.code == "99213"]
    assert [h.release for h in found] == [NEW]  # once, from the newest release
    assert NEW_CODE in {h.code for h in hits(stub, "zygomorphic widget")}


def test_a_release_named_is_searched_alone(stub: pb_grpc.SearchServiceStub) -> None:
    old = hits(stub, "99213", release=OLD)
    assert {h.release for h in old} == {OLD}
    assert [h.code for h in old].count("99213") == 1
    assert NEW_CODE not in {h.code for h in hits(stub, "zygomorphic widget", release=OLD)}
    reworded = next(h for h in hits(stub, "99213") if h.code == "99213")
    assert reworded.title != next(h for h in old if h.code == "99213").title


def test_as_of_picks_the_release_in_force_that_day(
    stub: pb_grpc.SearchServiceStub, services: tuple[str, dict[str, str]]
) -> None:
    effective = services[1]
    assert effective[OLD] < effective[NEW]
    day_before = (date.fromisoformat(effective[NEW]) - timedelta(days=1)).isoformat()
    assert {h.release for h in hits(stub, "99213", as_of=effective[NEW])} == {NEW}
    assert {h.release for h in hits(stub, "99213", as_of=day_before)} == {OLD}
    assert {h.release for h in hits(stub, "99213", as_of="2999-12-31")} == {NEW}


def test_suggest_reads_only_the_newest_release(stub: pb_grpc.SearchServiceStub) -> None:
    request = pb.SuggestRequest(query="9921", systems=["cpt"], limit=20)
    suggestions = stub.Suggest(request, timeout=10).suggestions
    codes = [s.code for s in suggestions]
    assert codes and len(codes) == len(set(codes))
    assert {s.release for s in suggestions} == {NEW}


@pytest.mark.parametrize(
    ("options", "status", "words"),
    [
        ({"release": "1999"}, grpc.StatusCode.NOT_FOUND, "no release '1999'"),
        ({"as_of": "1990-01-01"}, grpc.StatusCode.NOT_FOUND, "in force on 1990-01-01"),
        ({"as_of": "yesterday"}, grpc.StatusCode.INVALID_ARGUMENT, "YYYY-MM-DD"),
        ({"as_of": "2026-02-30"}, grpc.StatusCode.INVALID_ARGUMENT, "not a calendar date"),
        ({"release": NEW, "as_of": "2026-01-01"}, grpc.StatusCode.INVALID_ARGUMENT, "not both"),
    ],
)
def test_bad_selectors_are_clear_errors(
    stub: pb_grpc.SearchServiceStub, options: dict[str, str], status: grpc.StatusCode, words: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        hits(stub, "99213", **options)
    assert caught.value.code() == status
    assert words in (caught.value.details() or "")


def test_a_release_only_another_system_has_is_not_found(stub: pb_grpc.SearchServiceStub) -> None:
    request = pb.SearchRequest(query="asthma", systems=["icd10cm"], release=NEW)
    with pytest.raises(grpc.RpcError) as caught:
        stub.Search(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
