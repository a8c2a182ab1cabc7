"""Start the services the evaluation asks (codes, search, assistant) as processes on loopback.

The codes service serves the default ICD-10-CM/PCS snapshots, MS-DRG CC/MCC and the GEMs,
plus the reference data sets the cross-service tests import (`tests/conftest.py`): HCPCS
and the PFS RVU file from `../shared/data/cms` when present, and the NCCI PTP, add-on code
and MUE tables from the codes service's fixtures. Which of them were imported is returned,
so questions about a data set that is absent are skipped with a reason.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from medcode.search.v1 import search_service_pb2 as spb
from medcode.search.v1 import search_service_pb2_grpc as search_grpc
from medcode_codes.importers import operator
from medcode_codes.importers.defaults import import_defaults
from medcode_common import service_auth
from medcode_common.health_probe import grpc_serving
from medcode_common.parent_death import spawn_dying_with_parent
from medcode_common.service_auth import GATEWAY, SEARCH
from medcode_common.service_auth.testing import temporary_keyring

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[4]
NCCI_FIXTURES = ROOT / "services/codes/tests/fixtures/ncci"
SHARED_CMS = ROOT.parent / "shared/data/cms"
READY_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class ReferenceData:
    """The data sets imported for the evaluation, and why any are missing."""

    loaded: frozenset[str]
    missing: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def import_shared(data_dir: Path, cms: Path = SHARED_CMS) -> ReferenceData:
    """HCPCS and the PFS RVU file from `cms` when present; each absent one is named with why."""
    loaded: set[str] = set()
    missing: dict[str, str] = {}
    hcpcs = cms / "hcpcs/HCPC2020_ANWEB_w_disclaimer.txt"
    rvu = cms / "pfs_rvu/PPRRVU2025_Oct.txt"
    for name, path in (("hcpcs", hcpcs), ("pfs", rvu)):
        if not path.is_file():
            missing[name] = f"{path} not found (real CMS files live in ../shared/data)"
            continue
        if name == "hcpcs":
            operator.import_hcpcs(data_dir, path)
        else:
            operator.import_pfs_rvu(data_dir, path)
        loaded.add(name)
    return ReferenceData(frozenset(loaded), missing)


def import_ncci_fixtures(data_dir: Path) -> frozenset[str]:
    """The NCCI PTP, add-on code and MUE tables the cross-service tests import."""
    ptp = {"practitioner": "ccipra-v321r0-f1.txt", "hospital": "ccioph-v321r0-f1.txt"}
    for setting, name in ptp.items():
        operator.import_ncci_ptp(
            data_dir, NCCI_FIXTURES / name, setting=setting, release="2026-04-01"
        )
    operator.import_aoc(data_dir, NCCI_FIXTURES / "aoc-edits-2026q2.txt")
    for table in sorted(NCCI_FIXTURES.glob("MCR_MUE_*.csv")):
        operator.import_mue(data_dir, table, release="2026-04-01")
    return frozenset({"ncci_ptp", "add_on", "mue"})


def import_reference_data(data_dir: Path, cms: Path = SHARED_CMS) -> ReferenceData:
    """Default snapshots and data sets, then the same files `tests/conftest.py` imports."""
    import_defaults(data_dir)
    shared = import_shared(data_dir, cms)
    loaded = {"icd10cm", "icd10pcs", "cpt", "gems", "cc_mcc"} | shared.loaded
    return ReferenceData(frozenset(loaded | import_ncci_fixtures(data_dir)), shared.missing)


@dataclass(frozen=True)
class Addresses:
    """host:port of each service the evaluation started."""

    codes: str
    search: str
    assistant: str


def _wait(address: str, process: subprocess.Popen[bytes], timeout: float, name: str) -> None:
    deadline = time.monotonic() + timeout
    while not grpc_serving(address):
        if process.poll() is not None:
            raise RuntimeError(f"the {name} service exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {name} service at {address} did not start serving")
        time.sleep(0.2)


def _wait_index(address: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Search serves health before its first index is built; questions must wait for it."""
    deadline = time.monotonic() + timeout
    with service_auth.channel(address, identity=GATEWAY, audience=SEARCH) as channel:
        stub = search_grpc.SearchServiceStub(channel)
        while True:
            try:
                stub.Search(spb.SearchRequest(query="diabetes", limit=1), timeout=10)
                return
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    reason = f"{error.code().name}: {error.details()}"
                    raise RuntimeError(f"search answered {reason}") from error
            if process.poll() is not None:
                raise RuntimeError(f"the search service exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the search index at {address} was not built in time")
            time.sleep(0.5)


def _start(name: str, module: str, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    # each service's output goes to its own log file, so a failed start can be read afterwards
    out = (logs / f"{name}.log").open("wb")
    return spawn_dying_with_parent(
        [sys.executable, "-m", *module.split()], env=env, stdout=out, stderr=subprocess.STDOUT
    )


@contextmanager
def running_stack(data_dir: Path, logs: Path) -> Iterator[Addresses]:
    """codes, search (index kept in `data_dir`/search) and assistant, each its own process."""
    ports = {name: free_port() for name in ("codes", "search", "assistant")}
    codes = f"127.0.0.1:{ports['codes']}"
    search = f"127.0.0.1:{ports['search']}"
    assistant = f"127.0.0.1:{ports['assistant']}"
    logs.mkdir(parents=True, exist_ok=True)
    with temporary_keyring():
        env = {
            **os.environ,
            "MEDCODE_CODES_DATA_DIR": str(data_dir),
            "MEDCODE_CODES_PORT": str(ports["codes"]),
            "MEDCODE_CODES_EVENTS": "false",
            "MEDCODE_SEARCH_PORT": str(ports["search"]),
            "MEDCODE_SEARCH_CODES_ADDR": codes,
            "MEDCODE_SEARCH_INDEX_DIR": str(data_dir / "search"),
            "MEDCODE_SEARCH_EVENTS": "false",
            "MEDCODE_SEARCH_WARM": "false",
            "MEDCODE_ASSISTANT_PORT": str(ports["assistant"]),
            "MEDCODE_ASSISTANT_CODES_ADDR": codes,
            "MEDCODE_ASSISTANT_SEARCH_ADDR": search,
            "MEDCODE_LOG_LEVEL": "WARNING",
            # no Prometheus listeners: fixed default ports would clash with other stacks
            "MEDCODE_CODES_METRICS_PORT": "0",
            "MEDCODE_SEARCH_METRICS_PORT": "0",
            "MEDCODE_ASSISTANT_METRICS_PORT": "0",
        }
        processes = [_start("codes", "medcode_codes serve", env, logs)]
        try:
            _wait(codes, processes[0], READY_TIMEOUT_S, "codes")
            processes.append(_start("search", "medcode_search", env, logs))
            _wait(search, processes[1], READY_TIMEOUT_S, "search")
            _wait_index(search, processes[1], READY_TIMEOUT_S)
            processes.append(_start("assistant", "medcode_assistant", env, logs))
            _wait(assistant, processes[2], READY_TIMEOUT_S, "assistant")
            yield Addresses(codes, search, assistant)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=15)
