"""Benchmark: import time of each real CMS file, and an NCCI PTP check through the gateway.

No real NCCI PTP file is available here, so the PTP table is synthetic but realistic in
size and shape: 1,000,000 edits in the CMS tab-delimited layout between real codes taken
from the PFS file. The claim check sends 10-code claims through the gateway (REST -> gRPC ->
SQLite) and reports p50/p99 latency measured by a separate client process.

    python bench/reference_data.py [--shared ../shared/data/cms]
Writes bench/results/reference_data.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from medcode_codes.importers import operator, pfs_rvu
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_common.service_auth.testing import temporary_keyring
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

HERE = Path(__file__).resolve().parent
HEADER = (
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\t"
    "Deletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\t"
    "PTP Edit Rationale\n"
)


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def synthetic_ptp(path: Path, codes: list[str], *, edits: int, rng: random.Random) -> None:
    """A PTP file in the CMS layout with `edits` distinct pairs of real codes."""
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < edits:
        first, second = rng.sample(codes, 2)
        pairs.add((first, second))
    with path.open("w") as out:
        out.write("CPT only copyright 2025 American Medical Association.\n" + HEADER)
        for first, second in pairs:
            indicator = rng.choice("0111")
            out.write(
                f"{first}\t{second}\t\t20200101\t*\t{indicator}\tMutually exclusive procedures\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(HERE.parents[1] / "shared/data/cms"))
    parser.add_argument("--claims", type=int, default=2000)
    args = parser.parse_args()
    cms = Path(args.shared)
    rvu = cms / "pfs_rvu/PPRRVU2025_Oct.txt"
    results: dict[str, float] = {}
    with temporary_keyring(), tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        hcpcs = cms / "hcpcs/HCPC2020_ANWEB_w_disclaimer.txt"
        results["import_hcpcs_s"] = timed(lambda: operator.import_hcpcs(data_dir, hcpcs))
        results["import_pfs_rvu_txt_s"] = timed(lambda: operator.import_pfs_rvu(data_dir, rvu))
        csv = cms / "pfs_rvu/PPRRVU2025_Oct.csv"
        results["import_pfs_rvu_csv_s"] = timed(
            lambda: operator.import_pfs_rvu(data_dir, csv, release="RVU25D-csv")
        )
        rng = random.Random(11)
        codes = sorted({r.code for r in pfs_rvu.parse_pprrvu(rvu) if r.code[0].isdigit()})
        ptp_file = data_dir / "ptp.txt"
        synthetic_ptp(ptp_file, codes, edits=1_000_000, rng=rng)
        results["import_ptp_1m_edits_s"] = timed(
            lambda: operator.import_ncci_ptp(data_dir, ptp_file, setting="practitioner")
        )
        codes_server = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
        codes_server.start()
        gateway = UvicornThread(
            create_app(
                GatewaySettings(
                    events=False, codes_addr=f"127.0.0.1:{codes_server.port}", cache_ttl_seconds=0
                )
            )
        )
        gateway.start()
        latencies = []
        pairs_found = 0
        with httpx.Client(base_url=gateway.url, timeout=10) as client:
            for _ in range(args.claims):
                claim = ",".join(rng.sample(codes, 10))
                started = time.perf_counter()
                reply = client.get("/v1/edits/ptp", params={"codes": claim})
                latencies.append(time.perf_counter() - started)
                reply.raise_for_status()
                pairs_found += len(reply.json()["pairs"])
        gateway.stop()
        codes_server.stop()
    latencies.sort()
    results["ptp_claim_10_codes_p50_ms"] = statistics.median(latencies) * 1000
    results["ptp_claim_10_codes_p99_ms"] = latencies[int(len(latencies) * 0.99) - 1] * 1000
    results["ptp_pairs_found"] = pairs_found
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "reference_data.json").write_text(json.dumps(results, indent=2))
    for key, value in results.items():
        sys.stdout.write(f"{key:<30}{value:>10.3f}\n")


if __name__ == "__main__":
    main()
