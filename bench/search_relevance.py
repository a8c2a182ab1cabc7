"""Benchmark: relevance of Case2Code search against a BM25 baseline on the development set.

Each system is a Searcher: a function of (query, k) returning up to k ICD-10-CM codes, best
first. The baseline is BM25 (bm25s, default parameters, English stop words, lower-case word
tokens) over the title of every 2026 category, subcategory and code, one document per code.
MedCode search comes from ``bench/search_adapter.py`` (``make_searcher(backend)``): the real
search engine over an index built from a real codes service, once per backend: tantivy
always ("medcode-tantivy"), Elasticsearch when ELASTICSEARCH_URL points at a cluster
("medcode-elasticsearch"; otherwise a line says it was skipped). Both rank with the same
engine; only where the candidates come from differs.

Reported per system: Recall@10 and MRR@10 on the index set (whole, and its two halves: the
ranking weights were tuned on ``index_tune`` only, so ``index_heldout`` is the honest number),
the lay and typo sets, and the median time of one query.

    python bench/search_relevance.py [--index CSV] [--limit 2000] [--seed 2025]
Writes bench/results/search_relevance.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_devset import (  # noqa: E402
    DEFAULT_INDEX,
    DEFAULT_LIMIT,
    DEFAULT_SEED,
    DevCase,
    build_devset,
    invalid_cases,
    lay_cases,
    load_valid_codes,
    split_devset,
    typo_cases,
)

Searcher = Callable[[str, int], list[str]]
K = 10
OUT = Path(__file__).resolve().parent / "results" / "search_relevance.json"


def _check_lengths(ranked: Sequence[Sequence[str]], expected: Sequence[str]) -> None:
    if len(ranked) != len(expected):
        raise ValueError(f"{len(ranked)} result lists for {len(expected)} expected codes")


def credited(expected: str, hit: str) -> bool:
    """The hit is the expected code, or one of its 7th-character codes (S72.001 -> S72.001A).

    The alphabetic index names codes that need a 7th character by their 6-character stem
    (it cannot list every encounter), so a search that returns the complete code has found
    what the index points at. Applied to every system alike.
    """
    if hit == expected:
        return True
    bare_hit, bare_expected = hit.replace(".", ""), expected.replace(".", "")
    return len(bare_hit) == 7 and bare_hit[:6].rstrip("X") == bare_expected


def _rank(results: Sequence[str], code: str, k: int) -> int | None:
    for position, hit in enumerate(results[:k]):
        if credited(code, hit):
            return position
    return None


def recall_at_k(ranked: Sequence[Sequence[str]], expected: Sequence[str], k: int = K) -> float:
    """Share of queries whose expected code is among their top k results (0.0 for none)."""
    _check_lengths(ranked, expected)
    if not expected:
        return 0.0
    hits = sum(
        _rank(results, code, k) is not None for results, code in zip(ranked, expected, strict=True)
    )
    return hits / len(expected)


def mrr(ranked: Sequence[Sequence[str]], expected: Sequence[str], k: int = K) -> float:
    """Mean reciprocal rank of the expected code within the top k (a miss counts 0)."""
    _check_lengths(ranked, expected)
    if not expected:
        return 0.0
    total = 0.0
    for results, code in zip(ranked, expected, strict=True):
        position = _rank(results, code, k)
        if position is not None:
            total += 1.0 / (position + 1)
    return total / len(expected)


class BM25Baseline:
    """BM25 over code titles; documents that match no query word are not returned."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        import bm25s  # imported here so that the metrics need no bm25s

        self.bm25s = bm25s
        self.codes = list(titles)
        tokens = bm25s.tokenize(list(titles.values()), stopwords="en", show_progress=False)
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def __call__(self, query: str, k: int) -> list[str]:
        words = self.bm25s.tokenize(query, stopwords="en", return_ids=False, show_progress=False)
        if not words[0] or k < 1:
            return []
        k = min(k, len(self.codes))
        docs, scores = self.retriever.retrieve(words, k=k, show_progress=False)
        return [self.codes[doc] for doc, score in zip(docs[0], scores[0], strict=True) if score > 0]


def run(
    searcher: Searcher, cases: Sequence[DevCase], k: int
) -> tuple[list[list[str]], list[float]]:
    """Results and seconds per query, one query at a time."""
    ranked: list[list[str]] = []
    seconds: list[float] = []
    for case in cases:
        started = time.perf_counter()
        results = list(searcher(case.query, k))
        seconds.append(time.perf_counter() - started)
        ranked.append(results)
    return ranked, seconds


def evaluate(searcher: Searcher, sets: Mapping[str, Sequence[DevCase]], k: int) -> dict[str, Any]:
    """Recall@k and MRR@k per set, and the median query time over all sets."""
    report: dict[str, Any] = {}
    seconds: list[float] = []
    for name, cases in sets.items():
        ranked, times = run(searcher, cases, k)
        seconds += times
        expected = [case.expected for case in cases]
        report[name] = {
            "n": len(cases),
            f"recall@{k}": round(recall_at_k(ranked, expected, k), 4),
            f"mrr@{k}": round(mrr(ranked, expected, k), 4),
        }
    report["p50_ms"] = round(statistics.median(seconds) * 1000, 3) if seconds else None
    return report


def with_whole_index(report: dict[str, Any]) -> dict[str, Any]:
    """Add "index": the two halves' metrics pooled (both are means over queries)."""
    halves = [report["index_tune"], report["index_heldout"]]
    size = sum(half["n"] for half in halves)
    whole: dict[str, Any] = {"n": size}
    for metric in (f"recall@{K}", f"mrr@{K}"):
        whole[metric] = round(sum(half[metric] * half["n"] for half in halves) / size, 4)
    return {"index": whole, **report}


def load_medcode(backend: str = "tantivy") -> Searcher | None:
    """MedCode's searcher on `backend` from its bench adapter, or None when the adapter does
    not exist.

    An adapter that exists but fails to import (a missing dependency of its own) raises.
    """
    try:
        from search_adapter import make_searcher
    except ModuleNotFoundError as error:
        if error.name in {"medcode_search", "search_adapter"}:
            return None
        raise
    searcher: Searcher = make_searcher(backend)
    return searcher


def medcode_backends(environ: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(backends to measure, skip notes): tantivy always, Elasticsearch with a cluster."""
    if environ.get("ELASTICSEARCH_URL"):
        return ["tantivy", "elasticsearch"], []
    return ["tantivy"], ["medcode-elasticsearch: skipped (ELASTICSEARCH_URL not set)"]


def format_table(systems: Mapping[str, Mapping[str, Any]], sets: Sequence[str], k: int) -> str:
    """A plain-text table: one row per system, Recall@k / MRR@k per set, then p50."""
    header = ["system"] + [f"{name} R@{k} / MRR" for name in sets] + ["p50 ms"]
    rows = [header]
    for system, report in systems.items():
        cells = [
            f"{report[name][f'recall@{k}']:.3f} / {report[name][f'mrr@{k}']:.3f}" for name in sets
        ]
        rows.append([system, *cells, f"{report['p50_ms']}"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def mrr_ratio(
    systems: Mapping[str, Mapping[str, Any]], sets: Sequence[str], k: int
) -> dict[str, dict[str, float | None]]:
    """Per MedCode system: its MRR@k over the baseline's per set (None when zero)."""
    ratios: dict[str, dict[str, float | None]] = {}
    for system, report in systems.items():
        if not system.startswith("medcode"):
            continue
        ratios[system] = {}
        for name in sets:
            base = systems["bm25"][name][f"mrr@{k}"]
            ratios[system][name] = round(report[name][f"mrr@{k}"] / base, 3) if base else None
    return ratios


def main(argv: Sequence[str] | None = None) -> int:
    """Build the development set, evaluate BM25 and (if present) MedCode, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    titles = load_valid_codes()
    tune, held_out = split_devset(
        build_devset(args.index, titles, limit=args.limit, seed=args.seed), seed=args.seed
    )
    sets = {"index_tune": tune, "index_heldout": held_out, "lay": lay_cases(), "typo": typo_cases()}
    bad = invalid_cases(sets["lay"] + sets["typo"], titles)
    if bad:
        raise SystemExit(f"expected codes missing from the release: {bad}")

    started = time.perf_counter()
    baseline = BM25Baseline(titles)
    build_s = time.perf_counter() - started
    systems: dict[str, dict[str, Any]] = {"bm25": with_whole_index(evaluate(baseline, sets, K))}
    systems["bm25"]["build_s"] = round(build_s, 2)

    backends, skipped = medcode_backends(os.environ)
    for backend in backends:
        medcode = load_medcode(backend)
        if medcode is None:
            print("MedCode search not available; baseline only")
            break
        systems[f"medcode-{backend}"] = with_whole_index(evaluate(medcode, sets, K))
    sets = {"index": tune + held_out, **sets}

    ratios = mrr_ratio(systems, list(sets), K)
    result = {
        "k": K,
        "devset": {
            "index_csv": args.index.name,
            "limit": args.limit,
            "seed": args.seed,
            "sizes": {name: len(cases) for name, cases in sets.items()},
            "documents": len(titles),
        },
        "systems": systems,
        "skipped": skipped,
        "medcode_over_bm25_mrr": ratios,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(format_table(systems, list(sets), K))
    for note in skipped:
        print(note)
    print("ranking weights were tuned on index_tune only; index_heldout was never looked at")
    for system, ratio in ratios.items():
        print(f"{system} MRR / baseline MRR: " + ", ".join(f"{n} {r}" for n, r in ratio.items()))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
