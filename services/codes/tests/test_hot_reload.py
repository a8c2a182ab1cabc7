"""Releases imported while the codes service runs are served and announced, no restart."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode.events.v1 import events_pb2
from medcode_codes.data_files import DataDirFiles, signature
from medcode_codes.hot_reload import ReleaseWatcher
from medcode_codes.importers import cpt
from medcode_codes.release_events import RELEASE_PUBLISHED
from medcode_codes.service import CodesServicer
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.writer import write_snapshot
from medcode_codes.testing_live import (
    NEW_CODE,
    NEW_TITLE,
    LiveCodesThread,
    write_licensed_file,
    write_starter_release,
)
from medcode_common.events import Event, EventBus, EventSettings, create_bus
from medcode_common.events.valkey_server import ValkeyServer, free_port
from medcode_common.service_auth import CODES, GATEWAY, channel

CPT = pb.CODE_SYSTEM_CPT
STARTER = ("code_set", "cpt", "starter-2025")


def watch(data_dir: Path) -> ReleaseWatcher:
    """A watcher over `data_dir` and the servicer it swaps catalogs into (no bus)."""
    files = DataDirFiles(data_dir)
    loaded = files.load()
    servicer = CodesServicer(catalog=loaded.catalog, datasets=loaded.datasets)
    return ReleaseWatcher(files=files, loaded=loaded, servicer=servicer)


@pytest.fixture(scope="module")
def valkey() -> Iterator[ValkeyServer]:
    with ValkeyServer() as server:
        yield server


def bus_to(url: str) -> Callable[[], EventBus]:
    return lambda: create_bus(EventSettings(redis_url=url))


def import_licensed(data_dir: Path, tmp_path: Path) -> None:
    """What an operator runs: `medcode-codes import cpt FILE`, in its own process."""
    source = write_licensed_file(tmp_path / "LONGULT.txt")
    argv = ["import", "cpt", str(source), "--release", "2026", "--data-dir", str(data_dir)]
    subprocess.run([sys.executable, "-m", "medcode_codes", *argv], check=True)


def wait_for_release(stub: pb_grpc.CodesServiceStub, release: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reply = stub.ListReleases(pb.ListReleasesRequest(system=CPT), timeout=5)
        if release in [r.release for r in reply.releases]:
            return
        time.sleep(0.05)
    raise AssertionError(f"release {release} never served")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "var"
    write_starter_release(folder)
    return folder


def serve(data_dir: Path, bus_factory: Callable[[], EventBus]) -> LiveCodesThread:
    settings = CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir, reload_seconds=0.1)
    server = LiveCodesThread(settings, bus_factory=bus_factory)
    server.start()
    return server


def test_import_while_serving_is_served_and_announced(
    data_dir: Path, tmp_path: Path, valkey: ValkeyServer
) -> None:
    server = serve(data_dir, bus_to(valkey.url))
    try:
        with channel(f"127.0.0.1:{server.port}", identity=GATEWAY, audience=CODES) as gateway:
            stub = pb_grpc.CodesServiceStub(gateway)
            request = pb.GetCodeRequest(system=CPT, code=NEW_CODE)
            with pytest.raises(grpc.RpcError) as missing:
                stub.GetCode(request, timeout=5)
            assert missing.value.code() == grpc.StatusCode.NOT_FOUND
            import_licensed(data_dir, tmp_path)
            wait_for_release(stub, "2026")
            assert stub.GetCode(request, timeout=5).code.title == NEW_TITLE
            starter = pb.ReleaseSelector(release="starter-2025")
            old = stub.GetCode(pb.GetCodeRequest(system=CPT, code="99213", release=starter))
            assert old.code.release == "starter-2025"
    finally:
        server.stop()
    received: list[events_pb2.ReleasePublished] = []
    reader = create_bus(EventSettings(redis_url=valkey.url))

    def keep(event: Event) -> None:
        received.append(event.decode(events_pb2.ReleasePublished))

    while reader.consume("codes-test", keep, types=[RELEASE_PUBLISHED], block_ms=100):
        pass
    reader.close()
    announced = [(m.system, m.release) for m in received]
    assert announced == [("cpt", "starter-2025"), ("cpt", "2026")]


def test_bus_down_is_logged_and_the_release_still_served(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="medcode_codes.release_events")
    server = serve(data_dir, bus_to(f"redis://127.0.0.1:{free_port()}/0"))
    try:
        with channel(f"127.0.0.1:{server.port}", identity=GATEWAY, audience=CODES) as gateway:
            stub = pb_grpc.CodesServiceStub(gateway)
            import_licensed(data_dir, tmp_path)
            wait_for_release(stub, "2026")
            reply = stub.GetCode(pb.GetCodeRequest(system=CPT, code=NEW_CODE), timeout=5)
            assert reply.code.title == NEW_TITLE
    finally:
        server.stop()
    assert "could not publish ReleasePublished cpt 2026" in caplog.text


def test_watcher_swaps_only_on_change_and_survives_a_broken_file(data_dir: Path) -> None:
    watcher = watch(data_dir)
    assert asyncio.run(watcher.check()) == []
    assert watcher.swaps == 0
    broken = data_dir / "snapshots" / "cpt" / "broken.sqlite"
    broken.write_bytes(b"not a snapshot")
    before = signature(data_dir)
    assert asyncio.run(watcher.check()) == []
    assert watcher.swaps == 0 and set(watcher.serving) == {STARTER}
    assert asyncio.run(watcher.check()) == []  # the same broken file is not retried
    broken.unlink()
    assert signature(data_dir) != before


def test_a_release_imported_again_from_changed_files_is_announced(data_dir: Path) -> None:
    # Same name, new files (corrected data, reworded starter text): the search index and any
    # other copy must rebuild, so the release is news again; the same files again are not.
    watcher = watch(data_dir)
    info = cpt.release_info()

    def rewrite(source_digest: str) -> None:
        nodes = cpt.to_nodes(cpt.starter_set(), None, release=info.release)
        write_snapshot(data_dir=data_dir, info=info, nodes=nodes, source_digest=source_digest)

    rewrite("starter")
    assert asyncio.run(watcher.check()) == []
    assert watcher.swaps == 1  # the file was replaced, so it is served afresh
    rewrite("reworded")
    (news,) = asyncio.run(watcher.check())
    assert news.key == STARTER and news.replaced and news.content_digest == "reworded"
    assert news.systems == ("cpt",)
    assert {key: a.content_digest for key, a in watcher.serving.items()} == {STARTER: "reworded"}
