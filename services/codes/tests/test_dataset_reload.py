"""A corrected data set imported under the same release name while the codes service runs is
served from the next request on, carries its new digest, and is announced as a replacement."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import weakref
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode.events.v1 import events_pb2
from medcode_codes.data_files import DataDirFiles
from medcode_codes.datasets.store import write_dataset
from medcode_codes.fees import national_payment
from medcode_codes.hot_reload import ReleaseWatcher
from medcode_codes.release_events import RELEASE_PUBLISHED
from medcode_codes.service import CodesServicer
from medcode_codes.settings import CodesSettings
from medcode_codes.testing_live import (
    PFS_NAME,
    LiveCodesThread,
    corrected_fee_schedule,
    import_in_a_process,
    write_starter_release,
)
from medcode_common.events import Event, EventSettings, create_bus
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.service_auth import CODES, GATEWAY, channel

CPT = pb.CODE_SYSTEM_CPT


@pytest.fixture(scope="module")
def valkey() -> Iterator[ValkeyServer]:
    with ValkeyServer() as server:
        yield server


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def fee_and_digest(stub: pb_grpc.CodesServiceStub, code: str) -> tuple[pb.FeeScheduleEntry, str]:
    reply = stub.GetCode(pb.GetCodeRequest(system=CPT, code=code), timeout=5).code
    (status,) = [d for d in reply.datasets if d.kind == "pfs-rvu"]
    return {e.modifier: e for e in reply.fee_schedule}[""], status.content_digest


def listed_digest(stub: pb_grpc.CodesServiceStub) -> str:
    reply = stub.ListDatasets(pb.ListDatasetsRequest(), timeout=5)
    return next(d.content_digest for d in reply.datasets if d.kind == "pfs-rvu")


def announced(url: str) -> list[events_pb2.ReleasePublished]:
    received: list[events_pb2.ReleasePublished] = []
    reader = create_bus(EventSettings(redis_url=url))

    def keep(event: Event) -> None:
        received.append(event.decode(events_pb2.ReleasePublished))

    while reader.consume("codes-dataset-test", keep, types=[RELEASE_PUBLISHED], block_ms=100):
        pass
    reader.close()
    return received


def test_a_corrected_fee_schedule_is_served_and_announced(
    tmp_path: Path, cms_data: Path, valkey: ValkeyServer
) -> None:
    data_dir = tmp_path / "var"
    write_starter_release(data_dir)
    original = cms_data / "pfs_rvu" / PFS_NAME
    import_in_a_process(data_dir, "pfs-rvu", original)
    settings = CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir, reload_seconds=0.1)
    bus = EventSettings(redis_url=valkey.url)
    server = LiveCodesThread(settings, bus_factory=lambda: create_bus(bus))
    server.start()
    try:
        with channel(f"127.0.0.1:{server.port}", identity=GATEWAY, audience=CODES) as gateway:
            stub = pb_grpc.CodesServiceStub(gateway)
            before, old_digest = fee_and_digest(stub, "99213")
            assert before.work_rvu == "1.30" and before.release == "RVU25D"
            assert old_digest == listed_digest(stub) and len(old_digest) == 64
            mri = {
                e.modifier: e
                for e in stub.GetCode(
                    pb.GetCodeRequest(system=CPT, code="70553"), timeout=5
                ).code.fee_schedule
            }[""]
            assert mri.facility_not_applicable and mri.facility_total == mri.facility_payment == ""
            fixed = corrected_fee_schedule(
                original, tmp_path / "fixed", code="99213", work_rvu="1.50"
            )
            import_in_a_process(
                data_dir, "pfs-rvu", fixed
            )  # same release name, RVU25D, corrected contents
            eventually(lambda: fee_and_digest(stub, "99213")[0].work_rvu == "1.50", "fix served")
            after, new_digest = fee_and_digest(stub, "99213")
            assert after.release == "RVU25D" and new_digest not in ("", old_digest)
            assert new_digest == listed_digest(stub)
            total = Decimal(before.nonfacility_total) + Decimal("0.20")
            assert after.nonfacility_total == str(total)
            factor = Decimal(after.conversion_factor)
            assert after.nonfacility_payment == str(national_payment(total, factor))
    finally:
        server.stop()
    events = [
        (e.kind, e.system, e.dataset_kind, e.release, e.content_digest, e.replaced, list(e.systems))
        for e in announced(valkey.url)
    ]
    code_set, dataset = events_pb2.RELEASE_KIND_CODE_SET, events_pb2.RELEASE_KIND_DATASET
    assert events == [
        (code_set, "cpt", "", "starter-2025", "starter", False, ["cpt"]),
        (dataset, "", "pfs-rvu", "RVU25D", old_digest, False, ["cpt", "hcpcs"]),
        (dataset, "", "pfs-rvu", "RVU25D", new_digest, True, ["cpt", "hcpcs"]),
    ]


def _write(data_dir: Path, source_digest: str, rows: int) -> Path:
    return write_dataset(
        data_dir=data_dir,
        kind="ncci-aoc",
        release="2026-04-01",
        effective_date=dt.date(2026, 4, 1),
        source="test rows",
        source_digest=source_digest,
        rows=[(f"{n:05d}", "", {"n": n}) for n in range(rows)],
    )


def test_unchanged_files_are_kept_open_and_replaced_ones_let_go(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    write_starter_release(data_dir)
    _write(data_dir, "first", 3)
    files = DataDirFiles(data_dir)
    loaded = files.load()
    servicer = CodesServicer(catalog=loaded.catalog, datasets=loaded.datasets)
    watcher = ReleaseWatcher(files=files, loaded=loaded, servicer=servicer)
    (snapshot,) = loaded.catalog.all()
    old = weakref.ref(loaded.datasets.all()[0])
    del loaded
    _write(data_dir, "second", 5)
    (news,) = asyncio.run(watcher.check())
    assert (news.key, news.content_digest, news.replaced) == (
        ("dataset", "ncci-aoc", "2026-04-01"),
        "second",
        True,
    )
    assert news.systems == ("cpt", "hcpcs")
    assert watcher.swaps == 1
    reloaded = files.load()
    assert reloaded.catalog.all()[0] is snapshot  # not reopened: its caches stay warm
    assert reloaded.opened == 0 and reloaded.datasets.all()[0].meta.row_count == 5
    # Freed as soon as nothing serves it (no garbage collection needed): the replaced
    # file's connection, and with it the handle on the old inode, is closed.
    assert old() is None
    assert asyncio.run(watcher.check()) == []  # nothing changed since
    old_snapshot = weakref.ref(snapshot)
    del snapshot, reloaded
    write_starter_release(data_dir)  # the same snapshot written again: a new file
    assert asyncio.run(watcher.check()) == []  # same digest: served afresh, not news
    assert old_snapshot() is None and watcher.swaps == 2
