"""Benchmark: CasePilot's Ask latency over gRPC (no generation), per intent.

Starts a real codes service over the default data (plus the reference CMS files from
../shared/data when present), a real search service and the assistant, in this process on
loopback; asks a fixed list of questions covering every intent `--rounds` times, one at a
time, and reports p50/p95/max per intent and overall. The gateway's share comes on top
(measured by bench/gateway_lookup.py for its own routes).

    python bench/assistant_ask.py [--rounds 20]
Writes bench/results/assistant_ask.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode_assistant.testing import serve_assistant
from medcode_codes.importers import operator
from medcode_codes.importers.defaults import import_defaults
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import link_data_dir
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, GATEWAY
from medcode_common.service_auth.testing import temporary_keyring
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread

ROOT = Path(__file__).resolve().parents[1]
CMS = ROOT.parent / "shared" / "data" / "cms"
NCCI = ROOT / "services/codes/tests/fixtures/ncci"
QUESTIONS = [
    "What does E11.9 mean?",
    "Is S72.001 billable?",
    "Which code for type 1 diabetes with ketoacidosis without coma?",
    "What are the notes for S72.001A?",
    "What 7th characters does T07 take?",
    "What codes are under E10.1?",
    "ICD-10 for ICD-9 428.0?",
    "Is N18.6 an MCC?",
    "Can 64492 be billed alone?",
    "Can 29880 and 29881 be billed together?",
    "What is the MUE for 20610?",
    "What are the RVUs for 29881?",
    "What does I10.9 mean?",
    "What is the weather in Paris?",
]


def reference_data(folder: Path) -> Path:
    """The default snapshots plus the CMS files the cross-service tests import."""
    data = folder / "codes"
    import_defaults(ROOT / "var" / "test-data")
    link_data_dir(ROOT / "var" / "test-data", data)
    if CMS.is_dir():
        operator.import_pfs_rvu(data, CMS / "pfs_rvu/PPRRVU2025_Oct.txt")
        operator.import_ncci_ptp(
            data, NCCI / "ccipra-v321r0-f1.txt", setting="practitioner", release="2026-04-01"
        )
        operator.import_aoc(data, NCCI / "aoc-edits-2026q2.txt")
        for table in NCCI.glob("MCR_MUE_*.csv"):
            operator.import_mue(data, table, release="2026-04-01")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with temporary_keyring(), tempfile.TemporaryDirectory() as folder:
        codes = ServerThread(
            CodesSettings(host="127.0.0.1", port=0, data_dir=reference_data(Path(folder)))
        )
        codes.start()
        codes_address = f"127.0.0.1:{codes.port}"
        search = SearchThread(
            SearchSettings(
                host="127.0.0.1", port=0, codes_addr=codes_address, events=False, warm=False,
                index_dir=ROOT / "var" / "test-data" / "search",
            )
        )  # fmt: skip
        search.start()
        assistant = serve_assistant(codes_address, f"127.0.0.1:{search.port}", knowledge=None)
        timings: dict[str, list[float]] = defaultdict(list)
        try:
            with service_auth.channel(
                assistant.address, identity=GATEWAY, audience=ASSISTANT
            ) as channel:
                stub = agrpc.AssistantServiceStub(channel)
                for question in QUESTIONS:  # warm-up: channels, caches of the services
                    stub.Ask(apb.AskRequest(question=question), timeout=30)
                for _ in range(args.rounds):
                    for question in QUESTIONS:
                        started = time.perf_counter()
                        reply = stub.Ask(apb.AskRequest(question=question), timeout=30)
                        elapsed = (time.perf_counter() - started) * 1000
                        timings[apb.Intent.Name(reply.intent)].append(elapsed)
        finally:
            assistant.stop()
            search.stop()
            codes.stop()
    summary = {name: _stats(values) for name, values in sorted(timings.items())}
    summary["overall"] = _stats([v for values in timings.values() for v in values])
    out = ROOT / "bench" / "results" / "assistant_ask.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for name, stats in summary.items():
        print(f"{name:32} p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms  "
              f"max {stats['max_ms']:7.1f} ms  n={stats['n']}")  # fmt: skip


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max_ms": ordered[-1],
    }


if __name__ == "__main__":
    main()
