"""Benchmark: type-ahead. Does a half-typed query already show a code a coder would accept?

The queries (bench/typeahead_queries.py, written for MedCode: lay words, clinical words,
services, codes) are typed at 40 %, 60 % and 80 % of their length, and character by character.
Two searchers over the same documents, each restricted to the query's code system:

- medcode: `SearchEngine.suggest` (completions, synonyms, typo correction of finished words,
  the commonness prior), as the search service answers /v1/suggest;
- baseline: a plain AND of word prefixes over codes and titles in code order, billable codes
  only for ICD-10-CM: what NLM's Clinical Table Search Service does, and exactly MedCode's own
  Clinical Tables matcher (`PrefixMatcher`).

Reported per searcher: Recall@7 and MRR@7 per fraction, the mean number of characters typed
until an accepted code first shows in the top 7 (a query never found counts its length plus
one), and per query group at 60 %. Then suggest latency, warm: in this process, and through
the search service (gRPC on loopback, a separate process), p50/p99 over every keystroke.

    python bench/search_typeahead.py [--show] [--no-service]
Reads the default data (var/, built on first run); writes bench/results/search_typeahead.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_adapter import make_engine  # noqa: E402
from search_relevance import credited  # noqa: E402
from stack import free_port, start, stop, wait_grpc  # noqa: E402
from typeahead_queries import CLINICAL, CODES, LAY, SERVICES  # noqa: E402

from medcode_search.engine import SearchEngine  # noqa: E402
from medcode_search.matching import MatchQuery  # noqa: E402

K = 7
FRACTIONS = (0.4, 0.6, 0.8)
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "search_typeahead.json"
Searcher = Callable[[str, str], list[str]]


class Case:
    """One benchmark query: its text, group, system and accepted codes."""

    def __init__(self, text: str, group: str, system: str, accepted: Sequence[str]) -> None:
        self.text, self.group, self.system, self.accepted = text, group, system, tuple(accepted)

    def rank(self, found: Sequence[str]) -> int | None:
        """0-based rank of the first accepted code among `found` (top K), else None."""
        for position, code in enumerate(found[:K]):
            if any(credited(accepted, code) for accepted in self.accepted):
                return position
        return None


def cases() -> list[Case]:
    found = [Case(text, "lay", "icd10cm", codes) for text, codes in LAY]
    found += [Case(text, "clinical", "icd10cm", codes) for text, codes in CLINICAL]
    found += [Case(text, "services", "cpt", codes) for text, codes in SERVICES]
    found += [Case(code, "codes", system, (code,)) for code, system in CODES]
    return found


def typed(text: str, fraction: float) -> str:
    """The first `fraction` of a query's characters (at least one), as a person types it."""
    return text[: max(1, int(fraction * len(text) + 0.5))]


def check_codes(engine: SearchEngine, all_cases: list[Case]) -> None:
    """Every accepted code must be a billable code of its system in the index."""
    known = {(d.system, d.code) for d in engine.documents if d.billable}
    missing = [
        f"{case.text}: {code}"
        for case in all_cases
        for code in case.accepted
        if (case.system, code) not in known
    ]
    if missing:
        raise SystemExit("accepted codes not in the index: " + ", ".join(missing))


def medcode(engine: SearchEngine) -> Searcher:
    def search(text: str, system: str) -> list[str]:
        hits = engine.suggest(text, systems=[system], limit=K)
        return [hit.document.code for hit in hits]

    return search


def baseline(engine: SearchEngine) -> Searcher:
    newest = {system: max(releases) for system, releases in engine.corpus.releases.items()}

    def search(text: str, system: str) -> list[str]:
        query = MatchQuery(
            terms=text,
            system=system,
            release=newest[system],
            billable_only=system == "icd10cm",
            limit=K,
        )
        return [row.code for row in engine.matcher.match(query).rows]

    return search


def evaluate(search: Searcher, all_cases: list[Case]) -> dict[str, object]:
    """Recall@K and MRR@K per fraction, per group at 60 %, and characters until found."""
    result: dict[str, object] = {}
    for fraction in FRACTIONS:
        ranks = [case.rank(search(typed(case.text, fraction), case.system)) for case in all_cases]
        result[f"{int(fraction * 100)}%"] = {
            "recall": sum(r is not None for r in ranks) / len(ranks),
            "mrr": sum(1 / (r + 1) for r in ranks if r is not None) / len(ranks),
        }
        if fraction == 0.6:
            groups: dict[str, list[int | None]] = {}
            for case, r in zip(all_cases, ranks, strict=True):
                groups.setdefault(case.group, []).append(r)
            result["groups_60%"] = {
                group: sum(r is not None for r in found) / len(found)
                for group, found in groups.items()
            }
    typed_counts, never = [], []
    for case in all_cases:
        for length in range(1, len(case.text) + 1):
            if case.rank(search(case.text[:length], case.system)) is not None:
                typed_counts.append(length)
                break
        else:
            typed_counts.append(len(case.text) + 1)
            never.append(case.text)
    result["mean_chars_typed"] = statistics.mean(typed_counts)
    result["mean_share_typed"] = statistics.mean(
        n / len(case.text) for n, case in zip(typed_counts, all_cases, strict=True)
    )
    result["never_found"] = never
    return result


def keystrokes(all_cases: list[Case]) -> list[tuple[str, str]]:
    return [
        (case.text[:n], case.system) for case in all_cases for n in range(1, len(case.text) + 1)
    ]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000,
        "n": len(ordered),
    }


def engine_latency(engine: SearchEngine, prefixes: list[tuple[str, str]]) -> dict[str, float]:
    """Suggest in this process, second pass (warm caches), every keystroke."""
    timings = []
    for _pass in range(2):
        timings = []
        for text, system in prefixes:
            started = time.perf_counter()
            engine.suggest(text, systems=[system], limit=K)
            timings.append(time.perf_counter() - started)
    return percentiles(timings)


def service_latency(prefixes: list[tuple[str, str]]) -> dict[str, float]:
    """Suggest through a real search service process (gRPC on loopback), warm, every keystroke."""
    import grpc

    from medcode.search.v1 import search_service_pb2 as pb
    from medcode.search.v1 import search_service_pb2_grpc as pb_grpc

    data_dir = Path(os.environ.get("MEDCODE_CODES_DATA_DIR", "var")).resolve()
    codes_port, search_port = free_port(), free_port()
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(data_dir),
        "MEDCODE_CODES_PORT": str(codes_port),
        "MEDCODE_CODES_METRICS_PORT": "0",
        "MEDCODE_CODES_EVENTS": "false",
        "MEDCODE_SEARCH_PORT": str(search_port),
        "MEDCODE_SEARCH_METRICS_PORT": "0",
        "MEDCODE_SEARCH_INDEX_DIR": str(data_dir / "search"),
        "MEDCODE_SEARCH_CODES_ADDR": f"127.0.0.1:{codes_port}",
        "MEDCODE_SEARCH_EVENTS": "false",
    }
    processes = [start([sys.executable, "-m", "medcode_codes", "serve"], env)]
    try:
        wait_grpc(f"127.0.0.1:{codes_port}")
        processes.append(start([sys.executable, "-m", "medcode_search"], env))
        wait_grpc(f"127.0.0.1:{search_port}", timeout=600)
        with grpc.insecure_channel(f"127.0.0.1:{search_port}") as channel:
            stub = pb_grpc.SearchServiceStub(channel)
            deadline = time.monotonic() + 900
            while True:  # serving starts before the first index is built and warmed
                try:
                    stub.Suggest(pb.SuggestRequest(query="a"), timeout=10)
                    break
                except grpc.RpcError as error:
                    if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                        raise
                    time.sleep(1)
            timings = []
            for _pass in range(2):
                timings = []
                for text, system in prefixes:
                    request = pb.SuggestRequest(query=text, systems=[system], limit=K)
                    started = time.perf_counter()
                    stub.Suggest(request, timeout=10)
                    timings.append(time.perf_counter() - started)
        return percentiles(timings)
    finally:
        stop(processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each query's top 7 at 60 %")
    parser.add_argument("--no-service", action="store_true", help="skip the service latency")
    args = parser.parse_args()
    engine = make_engine(warm=True)
    all_cases = cases()
    check_codes(engine, all_cases)
    searchers = {"medcode": medcode(engine), "baseline": baseline(engine)}
    results: dict[str, object] = {"queries": len(all_cases)}
    for name, search in searchers.items():
        results[name] = evaluate(search, all_cases)
    if args.show:
        for case in all_cases:
            prefix = typed(case.text, 0.6)
            print(f"{prefix!r:28} {case.accepted[0]:9} {searchers['medcode'](prefix, case.system)}")
    prefixes = keystrokes(all_cases)
    results["latency_engine"] = engine_latency(engine, prefixes)
    if not args.no_service:
        results["latency_service"] = service_latency(prefixes)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report(results)


def report(results: dict[str, object]) -> None:
    print(f"{results['queries']} queries, top {K}")
    print("| searcher | R@7 40% | MRR 40% | R@7 60% | MRR 60% | R@7 80% | MRR 80% | chars typed |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("medcode", "baseline"):
        found = results[name]
        assert isinstance(found, dict)
        cells = [
            f"{found[f'{p}%']['recall']:.3f} | {found[f'{p}%']['mrr']:.3f}" for p in (40, 60, 80)
        ]
        chars = f"{found['mean_chars_typed']:.2f} ({found['mean_share_typed']:.0%})"
        print(f"| {name} | {' | '.join(cells)} | {chars} |")
    for name in ("medcode", "baseline"):
        found = results[name]
        assert isinstance(found, dict)
        groups = ", ".join(f"{g} {v:.3f}" for g, v in found["groups_60%"].items())
        print(f"{name} R@7 at 60% by group: {groups}; never found: {len(found['never_found'])}")
    for key in ("latency_engine", "latency_service"):
        if key in results:
            timing = results[key]
            assert isinstance(timing, dict)
            print(f"{key}: p50 {timing['p50_ms']:.2f} ms, p99 {timing['p99_ms']:.2f} ms")


if __name__ == "__main__":
    main()
