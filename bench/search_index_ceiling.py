"""What-if benchmark: Case2Code relevance once an operator loads the Index to Diseases.

The development set is made of the FY2025 Index to Diseases and Injuries, so loading that
index would only look the answers up. Its official XML is not available here either (only a
derived CSV flattening it is, in ../shared). This experiment estimates what the index's
vocabulary would add, honestly, by loading the CSV's lines as alphabetic index lines (the
same `IndexedCode.index_terms` the product fills from the official files) while holding out
the development set:

* ``path``: every development-set path is left out, with its ancestors and descendants
  (sibling lines stay: they are what the index would teach about those words);
* ``main-term``: every main term any development-set path starts with is left out whole
  (three quarters of the index lines: a harsh lower bound).

It also reports the three index files that are available for real (External Cause index,
Tables of Drugs and Neoplasms, read with the product's importer), which barely touch the
disease paths. Not a product number: the product loads only the files an operator imports.

    python bench/search_index_ceiling.py
Reads the documents of the last search index build (run bench/search_relevance.py once);
writes bench/results/search_index_ceiling.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_adapter import make_engine  # noqa: E402
from search_devset import (  # noqa: E402
    DEFAULT_INDEX,
    DevCase,
    build_devset,
    iter_index_cases,
    lay_cases,
    load_valid_codes,
    split_devset,
    typo_cases,
)
from search_misses import ROOT, latest_documents, score  # noqa: E402

from medcode_codes.importers.operator import import_icd10cm_index  # noqa: E402
from medcode_codes.index_entries import index_keys  # noqa: E402
from medcode_codes.testing_live import link_data_dir  # noqa: E402
from medcode_search.backends.tantivy_backend import tantivy_engine  # noqa: E402
from medcode_search.documents import IndexedCode  # noqa: E402

TABLES = ("icd-10-cm-eindex-2025.xml", "icd-10-cm-drug-2025.xml", "icd-10-cm-neoplasm-2025.xml")
OUT = ROOT / "bench" / "results" / "search_index_ceiling.json"


def held_out_lines(
    valid: Mapping[str, str], dev: Sequence[DevCase], mode: str
) -> dict[str, list[str]]:
    """code -> the CSV's index lines for it, without what `mode` holds out."""
    main_terms = {case.path[0] for case in dev}
    paths = {case.path for case in dev}
    above = {path[:n] for path in paths for n in range(1, len(path))}  # their ancestors
    lines: dict[str, list[str]] = defaultdict(list)
    for _letter, case in iter_index_cases(DEFAULT_INDEX, valid):
        if mode == "main-term" and case.path[0] in main_terms:
            continue
        below = any(case.path[:n] in paths for n in range(1, len(case.path) + 1))
        if mode == "path" and (below or case.path in above):
            continue
        lines[case.expected].append(", ".join(case.path))
    return lines


def with_real_files(folder: Path, scratch: Path) -> list[IndexedCode]:
    """The documents the product indexes once an operator imported the three real files:
    the default data linked into `scratch`, the files imported, exported by a real codes
    service (search_adapter.make_engine)."""
    data = link_data_dir((ROOT / "var").resolve(), scratch / "codes")
    for name in TABLES:
        import_icd10cm_index(data, folder / name)
    started = time.perf_counter()
    exported = list(make_engine(warm=False, data_dir=data).documents)
    sys.stdout.write(
        f"export and index of every code set with the three files: "
        f"{time.perf_counter() - started:.1f}s\n"
    )
    return exported


def with_lines(docs: Iterable[IndexedCode], lines: Mapping[str, list[str]]) -> list[IndexedCode]:
    """The documents, each ICD-10-CM code with the lines for it and for its stem."""
    out = []
    for doc in docs:
        found = dict.fromkeys(t for key in index_keys(doc.code) for t in lines.get(key, ()))
        if doc.system == "icd10cm" and found:
            doc = replace(doc, index_terms=tuple(found))
        out.append(doc)
    return out


def evaluate(docs: list[IndexedCode], sets: Mapping[str, Sequence[DevCase]]) -> dict[str, Any]:
    engine = tantivy_engine(docs)
    report: dict[str, Any] = {}
    for name, cases in sets.items():
        recall, mrr, _misses = score(engine, cases)
        report[name] = {"n": len(cases), "recall@10": round(recall, 4), "mrr@10": round(mrr, 4)}
    return report


def main() -> int:
    base = [replace(d, index_terms=(), table_terms=()) for d in latest_documents()]
    valid = load_valid_codes()
    dev = build_devset(DEFAULT_INDEX, valid)
    tune, held_out = split_devset(dev)
    sets = {"index_tune": tune, "index_heldout": held_out, "lay": lay_cases(), "typo": typo_cases()}
    shared = ROOT.parent / "shared" / "data" / "cms" / "icd10cm"
    with tempfile.TemporaryDirectory() as scratch:
        real = with_real_files(shared, Path(scratch))
    variants: dict[str, list[IndexedCode]] = {
        "no index files (the default install)": base,
        "external cause index + drug and neoplasm tables (real FY2025 files)": real,
        "disease index, development paths held out (CSV stand-in)": with_lines(
            base, held_out_lines(valid, dev, "path")
        ),
        "disease index, development main terms held out (CSV stand-in)": with_lines(
            base, held_out_lines(valid, dev, "main-term")
        ),
    }
    results = {}
    for name, docs in variants.items():
        started = time.perf_counter()
        results[name] = evaluate(docs, sets)
        results[name]["index_lines"] = sum(len(d.index_terms) + len(d.table_terms) for d in docs)
        row = results[name]
        sys.stdout.write(
            f"{name}: held-out R@10 {row['index_heldout']['recall@10']:.3f} "
            f"MRR {row['index_heldout']['mrr@10']:.3f}; tune {row['index_tune']['recall@10']:.3f} "
            f"/ {row['index_tune']['mrr@10']:.3f}; lay {row['lay']['recall@10']:.3f} / "
            f"{row['lay']['mrr@10']:.3f}; typo {row['typo']['recall@10']:.3f}; "
            f"{row['index_lines']} lines on documents ({time.perf_counter() - started:.0f}s)\n"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
