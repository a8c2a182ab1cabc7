"""A codes server thread that also hot-reloads its data dir and announces releases.

For tests (here and in other packages) of what happens when an operator imports a release
while services run; the plain `testing.ServerThread` serves a fixed data dir.
"""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from medcode_codes.importers import cpt
from medcode_codes.release_events import ReleasePublisher
from medcode_codes.server import CodesService, create_codes_service
from medcode_codes.service import SERVICE_NAME
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.writer import write_snapshot
from medcode_common.events import EventBus, create_bus
from medcode_common.grpc_server import mark_serving
from medcode_common.loop_thread import LoopThread

#: A code that exists only in the "licensed" release tests import; MedCode's own made-up words.
NEW_CODE = "0998T"
NEW_TITLE = "Zygomorphic widget calibration of the left gizmo"


def write_starter_release(data_dir: Path) -> Path:
    """A small data dir to serve: the shipped CPT starter set (408 codes) as one snapshot."""
    info = cpt.release_info()
    nodes = cpt.to_nodes(cpt.starter_set(), None, release=info.release)
    return write_snapshot(data_dir=data_dir, info=info, nodes=nodes, source_digest="starter")


def link_data_dir(source: Path, target: Path) -> Path:
    """A data dir at `target` serving `source`'s snapshots and data sets without copying
    them (symbolic links); what is imported into it afterwards is its own."""
    for area in ("snapshots", "datasets"):
        (target / area).mkdir(parents=True)
        for path in sorted((source / area).glob("*/*.sqlite")):
            linked = target / area / path.parent.name / path.name
            linked.parent.mkdir(exist_ok=True)
            linked.symlink_to(path)
    return target


def write_licensed_file(path: Path) -> Path:
    """A tab-delimited file in the AMA layout, with one code absent from the starter set."""
    path.write_text(f"{NEW_CODE}\t{NEW_TITLE}\n99213\tEstablished patient visit, test wording\n")
    return path


class LiveCodesThread(LoopThread):
    """The codes service with its release watcher, on its own event loop."""

    name = "codes-live"

    def __init__(
        self, settings: CodesSettings, *, bus_factory: Callable[[], EventBus] = create_bus
    ) -> None:
        super().__init__()
        self._settings = settings
        self._bus_factory = bus_factory
        self.port = 0
        self.service: CodesService | None = None

    async def startup(self) -> None:
        self.service = create_codes_service(self._settings)
        if self._settings.events:
            publisher = ReleasePublisher(self._bus_factory)
            self.service.publisher = publisher
            self.service.watcher.announce = publisher.publish
        self.port = self.service.port
        await self.service.server.start()
        await mark_serving(self.service.health, [SERVICE_NAME])
        self._stop = asyncio.Event()
        self._watching = asyncio.create_task(
            self.service.watcher.run(every=self._settings.reload_seconds, stop=self._stop)
        )

    async def shutdown(self) -> None:
        self._stop.set()
        await self._watching
        assert self.service is not None
        await self.service.server.stop(0)
        if self.service.publisher is not None:
            self.service.publisher.close()


#: The real fee schedule file in ../shared (its name and header say RVU25D).
PFS_NAME = "PPRRVU2025_Oct.csv"


def corrected_fee_schedule(source: Path, folder: Path, *, code: str, work_rvu: str) -> Path:
    """A copy of a PPRRVU CSV with `code`'s global row given another work RVU (and totals)."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="latin-1"))))
    for row in rows:
        if row[0] == code and row[1] == "":
            change = Decimal(work_rvu) - Decimal(row[5])
            row[5] = work_rvu
            row[11] = str(Decimal(row[11]) + change)
            row[12] = str(Decimal(row[12]) + change)
    folder.mkdir(parents=True)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (folder / PFS_NAME).write_text(out.getvalue(), encoding="latin-1")
    return folder / PFS_NAME


def import_in_a_process(data_dir: Path, kind: str, path: Path) -> None:
    """`medcode import KIND PATH`, in its own process, as an operator runs it."""
    argv = ["import", kind, str(path), "--data-dir", str(data_dir)]
    subprocess.run([sys.executable, "-m", "medcode_codes", *argv], check=True)
