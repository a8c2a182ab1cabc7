"""Failure analysis for Case2Code search: the misses of the TUNING half, by category.

Not shipped: a development aid. It loads the documents the search service exported last time
(the newest ``var/search/*/documents.jsonl``), indexes them in memory with the current
``medcode_search.index`` (so schema changes need no service rebuild), and prints Recall@10 /
MRR on the tuning and held-out halves and the tuning half's misses grouped by what went wrong.
Only the tuning half's misses are shown, so looking at them cannot leak the held-out half.

    python bench/search_misses.py [--show 8] [--category descendants]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_devset import (  # noqa: E402
    DEFAULT_INDEX,
    DevCase,
    build_devset,
    lay_cases,
    load_valid_codes,
    split_devset,
    typo_cases,
)
from search_relevance import credited  # noqa: E402

from medcode_search import documents  # noqa: E402
from medcode_search.backends.tantivy_backend import tantivy_engine  # noqa: E402
from medcode_search.documents import IndexedCode  # noqa: E402
from medcode_search.engine import SearchEngine  # noqa: E402
from medcode_search.query import CONNECTORS, parse, text_stems  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def latest_documents() -> list[IndexedCode]:
    """The documents of the newest search index build under var/search."""
    sidecars = sorted(
        (ROOT / "var" / "search").glob("*/documents.jsonl"), key=lambda p: p.stat().st_mtime
    )
    if not sidecars:
        raise SystemExit(
            "no exported documents under var/search; run bench/search_relevance.py once"
        )
    return list(documents.load(sidecars[-1]))


def latest_engine() -> SearchEngine:
    """The engine over the newest exported documents, indexed in memory now."""
    docs = latest_documents()
    return tantivy_engine(docs)


def category(case: DevCase, found: list[str], by_code: dict[str, IndexedCode]) -> str:
    """What kind of miss this is, judged from the expected code's own words."""
    expected = by_code[case.expected]
    stems = {s for w in parse(case.query).words if w not in CONNECTORS for s in text_stems(w)}
    own = text_stems(" ".join((expected.title, *expected.terms)))
    near = own | text_stems(" ".join(expected.context))
    if not found:
        return "no results"
    if any(code.startswith(case.expected) and code != case.expected for code in found):
        return "descendants crowd out the expected heading"
    if stems <= own:
        return "all words in the code's own title/terms"
    if stems <= near:
        return "words in own texts + headings"
    if any(code[:3] == case.expected[:3] for code in found):
        return "same category, wrong code"
    return "words not in the code's texts"


def score(
    engine: SearchEngine, cases: Sequence[DevCase]
) -> tuple[float, float, list[tuple[DevCase, list[str]]]]:
    """Recall@10, MRR@10 and the misses with what was found instead."""
    found_at, misses = 0.0, []
    reciprocal = 0.0
    for case in cases:
        hits, _total = engine.search(case.query, systems=["icd10cm"], limit=10)
        codes = [hit.document.code for hit in hits]
        rank = next((i for i, code in enumerate(codes) if credited(case.expected, code)), None)
        if rank is None:
            misses.append((case, codes))
        else:
            found_at += 1
            reciprocal += 1 / (rank + 1)
    return found_at / len(cases), reciprocal / len(cases), misses


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=6)
    parser.add_argument("--category", default="")
    args = parser.parse_args(argv)
    titles = load_valid_codes()
    tune, held_out = split_devset(build_devset(DEFAULT_INDEX, titles))
    started = time.perf_counter()
    engine = latest_engine()
    sys.stdout.write(f"engine ready in {time.perf_counter() - started:.1f}s\n")
    by_code = {d.code: d for d in engine.documents if d.system == "icd10cm"}
    for name, cases in (
        ("tune", tune),
        ("held-out", held_out),
        ("lay", lay_cases()),
        ("typo", typo_cases()),
    ):
        recall, mrr, misses = score(engine, cases)
        sys.stdout.write(f"{name:9} R@10 {recall:.3f}  MRR {mrr:.3f}  n={len(cases)}\n")
        if name == "tune":
            tune_misses = misses
    grouped: dict[str, list[tuple[DevCase, list[str]]]] = defaultdict(list)
    for case, codes in tune_misses:
        grouped[category(case, codes, by_code)].append((case, codes))
    for name, items in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
        sys.stdout.write(f"\n== {name}: {len(items)} misses\n")
        if args.category and args.category not in name:
            continue
        for case, codes in items[: args.show]:
            title = by_code[case.expected].title
            sys.stdout.write(f"  {case.query!r} -> {case.expected} {title[:60]}\n")
            sys.stdout.write(f"      got {', '.join(codes[:4])}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
