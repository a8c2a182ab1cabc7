"""Everyday words for services and visits, searched over every code system installed by default.

The alphabetic-index development set (bench/search_relevance.py) asks for diagnoses only. A
coder's day is also "flu shot", "urinalysis", "cbc", "ekg" or "stitches": words for services
and visits that the ICD-10-CM, ICD-10-PCS and CPT texts often do not contain as typed. These
60 queries were written for MedCode, each with the codes a coder would accept as its answer
(any of them counts; CPT answers come from MedCode's own starter wording, since AMA
descriptors are not shipped). Every code named is checked to exist in the index.

    python bench/search_everyday.py [--show]
Reads the documents of the last search index build (run bench/search_relevance.py once);
writes bench/results/search_everyday.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_misses import ROOT, latest_engine  # noqa: E402
from search_relevance import credited  # noqa: E402

from medcode_search.engine import SearchEngine  # noqa: E402

K = 10
OUT = ROOT / "bench" / "results" / "search_everyday.json"

#: query -> the codes a coder would accept (any one counts), most typical first.
EVERYDAY: tuple[tuple[str, tuple[str, ...]], ...] = (
    # vaccines and injections
    ("flu shot", ("90686", "90656", "Z23")),
    ("flu vaccine", ("90686", "90656", "Z23")),
    ("tetanus shot", ("90715", "Z23")),
    ("pneumonia shot", ("90732", "90670", "90677", "Z23")),
    ("shingles vaccine", ("90750", "Z23")),
    ("vaccine administration", ("90471", "90460")),
    ("allergy shots", ("95115", "95117")),
    ("b12 injection", ("96372",)),
    ("steroid shot knee", ("20610",)),
    ("trigger point injection", ("20552", "20553")),
    ("epidural steroid injection lower back", ("62323", "64483")),
    ("iv fluids", ("96360", "96361")),
    ("breathing treatment", ("94640",)),
    # laboratory
    ("urinalysis", ("81002", "81003", "81000", "81001")),
    ("urine dipstick", ("81002", "81003", "81000", "81001")),
    ("cbc", ("85025", "85027")),
    ("complete blood count", ("85025", "85027")),
    ("a1c", ("83036",)),
    ("lipid panel", ("80061",)),
    ("cholesterol test", ("80061",)),
    ("cmp", ("80053",)),
    ("bmp", ("80048",)),
    ("tsh", ("84443",)),
    ("vitamin d level", ("82306",)),
    ("psa", ("84153",)),
    ("rapid strep test", ("87880",)),
    ("flu test", ("87804",)),
    ("urine pregnancy test", ("81025",)),
    ("blood draw", ("36415",)),
    ("pap smear", ("88142", "Z12.4", "Z01.419")),
    # imaging and tests
    ("ekg", ("93000", "93005", "93010")),
    ("ecg", ("93000", "93005", "93010")),
    ("chest x-ray", ("71046", "71045")),
    ("ct head", ("70450",)),
    ("mri knee", ("73721",)),
    ("mri lumbar spine", ("72148",)),
    ("abdominal ultrasound", ("76700", "76705")),
    ("screening mammogram", ("77067", "Z12.31")),
    ("bone density scan", ("77080",)),
    ("echo", ("93306",)),
    ("stress test", ("93015",)),
    ("sleep study", ("95810",)),
    ("spirometry", ("94010",)),
    ("hearing test", ("92551",)),
    # visits and screening
    ("annual physical", ("Z00.00", "Z00.01", "99395", "99396", "99385", "99386")),
    ("physical exam", ("Z00.00", "Z00.01", "99395", "99396", "99385", "99386")),
    ("well child visit", ("Z00.129", "Z00.121", "99392", "99393")),
    ("depression screening", ("96127", "Z13.31")),
    ("quit smoking counseling", ("99406", "99407")),
    ("physical therapy evaluation", ("97161", "97162", "97163")),
    ("chiropractic adjustment", ("98940", "98941")),
    # procedures
    ("stitches", ("12001", "12002")),
    ("mole removal", ("11400", "11401", "11402")),
    ("wart removal", ("17110",)),
    ("skin tag removal", ("11200",)),
    ("ear wax removal", ("69210", "69209")),
    ("gallbladder removal", ("47562", "47563")),
    ("appendectomy", ("44970",)),
    ("c-section", ("59510", "O82")),
    ("colonoscopy", ("45378",)),
)


def _rank(codes: Sequence[str], accepted: Sequence[str]) -> int | None:
    for position, code in enumerate(codes[:K]):
        if any(credited(answer, code) for answer in accepted):
            return position
    return None


def evaluate(engine: SearchEngine, *, show: bool = False) -> dict[str, float]:
    """Recall@10 and MRR@10 over EVERYDAY; with `show`, print each miss and its top three."""
    known = {document.code for document in engine.documents}
    unknown = sorted({c for _q, codes in EVERYDAY for c in codes} - known)
    if unknown:
        raise SystemExit(f"answers missing from the index: {', '.join(unknown)}")
    found, reciprocal, seconds = 0, 0.0, []
    for query, accepted in EVERYDAY:
        started = time.perf_counter()
        hits, _total = engine.search(query, limit=K)
        seconds.append(time.perf_counter() - started)
        codes = [hit.document.code for hit in hits]
        position = _rank(codes, accepted)
        if position is None:
            if show:
                top = ", ".join(f"{h.document.code} {h.document.title[:30]}" for h in hits[:3])
                sys.stdout.write(f"  miss {query!r} -> {accepted[0]}; got {top}\n")
            continue
        found += 1
        reciprocal += 1 / (position + 1)
        if show and position > 0:
            sys.stdout.write(f"  rank {position + 1} {query!r} -> {codes[position]}\n")
    n = len(EVERYDAY)
    seconds.sort()
    return {
        "n": n,
        f"recall@{K}": round(found / n, 4),
        f"mrr@{K}": round(reciprocal / n, 4),
        "p50_ms": round(seconds[n // 2] * 1000, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print misses and late answers")
    args = parser.parse_args(argv)
    engine = latest_engine()
    result = evaluate(engine, show=args.show)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"k": K, "everyday": result}, indent=2) + "\n")
    sys.stdout.write(
        f"everyday  R@{K} {result[f'recall@{K}']:.3f}  MRR {result[f'mrr@{K}']:.3f}"
        f"  n={result['n']}  p50 {result['p50_ms']:.2f} ms\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
