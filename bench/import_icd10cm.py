"""Benchmark: ICD-10-CM import vs a plain lxml parse of the same tabular XML.

Reports the median of --repeat runs of: `lxml.etree.parse` alone, our parser
(`parse_tabular`, every node with notes and 7th-character expansion), and the full import
(parse + SQLite snapshot write). Writes bench/results/import_icd10cm.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from medcode_codes.importers import icd10cm
from medcode_codes.snapshot.writer import write_snapshot

HERE = Path(__file__).resolve().parent


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = icd10cm.default_tabular_path()
    info = icd10cm.release_info(path)
    with tempfile.TemporaryDirectory() as scratch:

        def full_import() -> None:
            write_snapshot(
                data_dir=Path(scratch),
                info=info,
                nodes=icd10cm.parse_tabular(path),
                source_digest="bench",
            )

        results = {
            "lxml_parse_s": median_seconds(lambda: etree.parse(str(path)), args.repeat),
            "parse_tabular_s": median_seconds(
                lambda: sum(1 for _ in icd10cm.parse_tabular(path)), args.repeat
            ),
            "full_import_s": median_seconds(full_import, args.repeat),
        }
    results["parse_vs_lxml"] = results["parse_tabular_s"] / results["lxml_parse_s"]
    results["import_vs_lxml"] = results["full_import_s"] / results["lxml_parse_s"]
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    report = {"file": path.name, "when": dt.datetime.now(dt.UTC).isoformat(), **results}
    (out_dir / "import_icd10cm.json").write_text(json.dumps(report, indent=2))
    for key, value in results.items():
        sys.stdout.write(f"{key:<18}{value:>8.3f}\n")


if __name__ == "__main__":
    main()
