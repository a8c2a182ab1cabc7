"""A release imported while codes and search run: codes serves it, announces it, and search
rebuilds on the event while still answering from the old index."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_codes.testing_live import (
    NEW_CODE,
    write_licensed_file,
    write_starter_release,
)
from medcode_common import service_auth
from medcode_common.events.valkey_server import ValkeyServer, free_port
from medcode_common.service_auth import GATEWAY, SEARCH

from .search_live_services import running


@pytest.fixture
def valkey() -> Iterator[ValkeyServer]:
    with ValkeyServer() as server:
        yield server


def found(stub: pb_grpc.SearchServiceStub, query: str) -> dict[str, str]:
    """code -> release of the hits for `query` among CPT codes."""
    reply = stub.Search(pb.SearchRequest(query=query, systems=["cpt"], limit=20), timeout=10)
    return {hit.code: hit.release for hit in reply.hits}


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def test_new_release_is_searchable_and_old_results_serve_during_rebuild(
    tmp_path: Path, valkey: ValkeyServer
) -> None:
    data_dir = tmp_path / "var"
    write_starter_release(data_dir)
    with running(data_dir, tmp_path / "search", valkey.url) as (address, search):
        assert search.app is not None
        holder = search.app.holder
        building, finish = threading.Event(), threading.Event()

        async def hold() -> None:
            building.set()
            await asyncio.to_thread(finish.wait, 60)

        holder.before_build = hold
        # After the swap the backend still tidies up (old index folders); hold it there, so
        # the status below is read while that runs, as a client's could be.
        tidied = threading.Event()
        load = holder.backend.load

        async def load_then_tidy_slowly(**arguments: Any) -> None:
            await load(**arguments)
            await asyncio.to_thread(tidied.wait, 60)

        holder.backend.load = load_then_tidy_slowly  # type: ignore[method-assign]
        with service_auth.channel(address, identity=GATEWAY, audience=SEARCH) as channel:
            stub = pb_grpc.SearchServiceStub(channel)
            assert found(stub, "99213")["99213"] == "starter-2025"
            assert NEW_CODE not in found(stub, "zygomorphic widget")
            source = write_licensed_file(tmp_path / "LONGULT.txt")
            command = ["import", "cpt", str(source), "--release", "2026"]
            subprocess.run(
                [sys.executable, "-m", "medcode_codes", *command, "--data-dir", str(data_dir)],
                check=True,
            )
            assert building.wait(60), "no rebuild started after the import"
            status = stub.GetIndexStatus(pb.GetIndexStatusRequest(), timeout=10)
            assert status.rebuilding and "cpt:starter-2025" in status.releases
            assert found(stub, "99213")["99213"] == "starter-2025"  # the old index answers
            assert NEW_CODE not in found(stub, "zygomorphic widget")
            finish.set()
            eventually(lambda: NEW_CODE in found(stub, "zygomorphic widget"), "new code found")
            assert found(stub, "zygomorphic widget")[NEW_CODE] == "2026"
            status = stub.GetIndexStatus(pb.GetIndexStatusRequest(), timeout=10)
            # The older release stays indexed: it can still be searched by name or date.
            assert list(status.releases) == ["cpt:2026", "cpt:starter-2025"]
            assert not status.rebuilding  # serving the new index is the end of the rebuild
            tidied.set()
        assert search.app.consumers[0].handled >= 1


def test_search_answers_with_the_event_bus_down(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="medcode_search.consumers")
    data_dir = tmp_path / "var"
    write_starter_release(data_dir)
    dead_bus = f"redis://127.0.0.1:{free_port()}/0"
    with running(data_dir, tmp_path / "search", dead_bus) as (address, _search):
        with service_auth.channel(address, identity=GATEWAY, audience=SEARCH) as channel:
            stub = pb_grpc.SearchServiceStub(channel)
            assert found(stub, "99213")["99213"] == "starter-2025"
        eventually(lambda: "event bus unavailable for group search" in caplog.text, "a warning")
