"""Development set for Case2Code search: queries with the one ICD-10-CM code a coder expects.

Three sets, all checked against the 2026 tabular list:

* index cases, built from the FY2025 alphabetic index (``ICD10CM_2025_Index.csv``): each row
  with a code becomes the query a coder would type by walking the index, main term first
  ("Diabetes, diabetic" > "type 2" > "with" > "hyperglycemia" gives
  "diabetes type 2 with hyperglycemia"), expecting the row's code;
* 40 lay queries written by hand ("heart attack" -> I21.9);
* 20 misspelt queries ("pnuemonia" -> J18.9).

Index cases drop the non-essential modifiers (a separate CSV column, never in the query),
bracketed synonyms ("[ECG]"), "NEC", spelling variants of the same word ("Diabetes,
diabetic" -> "diabetes") and punctuation; connectives such as "with" stay, as people type them.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDEX = ROOT.parent / "shared/data/cms/icd10cm/derived/ICD10CM_2025_Index.csv"
DEFAULT_LIMIT = 2000
DEFAULT_SEED = 2025
CODE_KINDS = frozenset({"category", "subcategory", "code"})

_BRACKETS = re.compile(r"\[[^\]]*\]")
_NEC = re.compile(r"\bNEC\b")
_SEPARATOR = re.compile(r"[,;](?=\s|$)|:$")
_SPACES = re.compile(r"\s+")
_VARIANT_PREFIX = 4


class DevCase(NamedTuple):
    """One query and the canonical dotted code expected for it; path is the index term path."""

    query: str
    expected: str
    path: tuple[str, ...]


def load_valid_codes(tabular: Path | None = None) -> dict[str, str]:
    """Code -> title for every category, subcategory and code of the 2026 tabular list."""
    from medcode_codes.importers.icd10cm import default_tabular_path, parse_tabular

    nodes = parse_tabular(tabular or default_tabular_path())
    return {node.code: node.title for node in nodes if node.kind in CODE_KINDS}


def canonical_code(raw: str) -> tuple[str, bool]:
    """Dotted upper-case code and whether it ended in "-" ("E1165" -> ("E11.65", False))."""
    text = raw.strip().upper()
    dashed = text.endswith("-")
    bare = text.rstrip("-").replace(".", "")
    return (f"{bare[:3]}.{bare[3:]}" if len(bare) > 3 else bare), dashed


def expected_code(raw: str, valid_codes: Mapping[str, str]) -> str | None:
    """The 2026 code an index entry points at, or None when the release lacks it.

    A trailing "-" means "see the subcategory for more characters": the entry expects the
    node named by the stem, kept only when that node exists.
    """
    if not raw.strip():
        return None
    code, _dashed = canonical_code(raw)
    return code if code in valid_codes else None


def _drop_variants(segments: list[str]) -> list[str]:
    """Drop one-word segments that only respell an earlier word (diabetes, diabetic)."""
    kept: list[str] = []
    for segment in segments:
        words = segment.lower().split()
        stems = {word[:_VARIANT_PREFIX] for part in kept for word in part.lower().split()}
        variant = len(words) == 1 and len(words[0]) >= _VARIANT_PREFIX
        if kept and variant and words[0][:_VARIANT_PREFIX] in stems:
            continue
        kept.append(segment)
    return kept


def clean_term(term: str) -> str:
    """One index term as typed: lower case, without brackets, "NEC", variants or commas."""
    text = _NEC.sub(" ", _BRACKETS.sub(" ", term))
    segments = [part.strip() for part in re.split(r",\s+", text) if part.strip()]
    text = " ".join(_drop_variants(segments))
    return _SPACES.sub(" ", _SEPARATOR.sub(" ", text)).strip().lower()


def path_query(path: Sequence[str]) -> str:
    """The query for a term path: cleaned terms joined by spaces, main term first."""
    return " ".join(part for part in map(clean_term, path) if part)


def iter_index_cases(
    index_csv: Path, valid_codes: Mapping[str, str]
) -> Iterator[tuple[str, DevCase]]:
    """(index letter, case) for every coded index row whose code is in the release."""
    stack: list[str] = []
    with index_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["Level"])
            if level > len(stack):  # a gap in the flattening: no reliable parent path
                continue
            stack[level:] = [row["Term"]]
            if any(term.lower().startswith("note:") for term in stack):
                continue
            code = expected_code(row["Code"], valid_codes)
            query = path_query(stack)
            if code is not None and query:
                yield row["Letter"], DevCase(query, code, tuple(stack))


def _allocate(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Split total across strata in proportion to size (largest remainder, ties by key)."""
    population = sum(sizes.values())
    if population <= total:
        return dict(sizes)
    exact = {key: total * size / population for key, size in sizes.items()}
    shares = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(sizes, key=lambda key: (shares[key] - exact[key], key))
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def build_devset(
    index_csv: Path,
    valid_codes: Mapping[str, str],
    *,
    limit: int | None = DEFAULT_LIMIT,
    seed: int = DEFAULT_SEED,
) -> list[DevCase]:
    """Index cases, deduplicated by query (first code wins), sampled to at most limit.

    The sample is stratified by index letter (the main term's first letter) in proportion
    to each letter's share and is the same for the same seed; cases keep index order.
    """
    seen: set[str] = set()
    strata: dict[str, list[tuple[int, DevCase]]] = defaultdict(list)
    for position, (letter, case) in enumerate(iter_index_cases(index_csv, valid_codes)):
        if case.query not in seen:
            seen.add(case.query)
            strata[letter].append((position, case))
    if limit is None:
        picked = [item for items in strata.values() for item in items]
    else:
        rng = random.Random(seed)
        shares = _allocate({key: len(items) for key, items in strata.items()}, limit)
        picked = [item for key in sorted(strata) for item in rng.sample(strata[key], shares[key])]
    return [case for _position, case in sorted(picked)]


def split_devset(
    cases: Sequence[DevCase], *, seed: int = DEFAULT_SEED
) -> tuple[list[DevCase], list[DevCase]]:
    """(tuning half, held-out half): a fixed shuffle by seed, so weights are tuned on the first
    half only and the second half reports numbers the tuning never saw."""
    order = list(range(len(cases)))
    random.Random(seed + 1).shuffle(order)
    half = set(order[: len(order) // 2])
    tune = [case for i, case in enumerate(cases) if i in half]
    held_out = [case for i, case in enumerate(cases) if i not in half]
    return tune, held_out


LAY_QUERIES: tuple[tuple[str, str], ...] = (
    ("heart attack", "I21.9"),
    ("high blood pressure", "I10"),
    ("hives", "L50.9"),
    ("flu", "J11.1"),
    ("pink eye", "H10.029"),  # index: Pink eye -> Conjunctivitis, acute, mucopurulent
    ("stroke", "I63.9"),
    ("sugar diabetes", "E11.9"),
    ("kidney stones", "N20.0"),
    ("heartburn", "R12"),
    ("acid reflux", "K21.9"),
    ("chest pain", "R07.9"),
    ("shortness of breath", "R06.02"),
    ("sore throat", "J02.9"),
    ("strep throat", "J02.0"),
    ("common cold", "J00"),
    ("urine infection", "N39.0"),
    ("chest cold", "J20.9"),
    ("stomach flu", "A08.4"),
    ("food poisoning", "A05.9"),
    ("high cholesterol", "E78.00"),
    ("underactive thyroid", "E03.9"),
    ("overactive thyroid", "E05.90"),
    ("chickenpox", "B01.9"),
    ("shingles", "B02.9"),
    ("cold sore", "B00.1"),
    ("athlete's foot", "B35.3"),
    ("ear infection", "H66.90"),
    ("nosebleed", "R04.0"),
    ("fainting", "R55"),
    ("piles", "K64.9"),
    ("blood clot in the leg", "I82.409"),
    ("enlarged prostate", "N40.0"),
    ("irregular heartbeat", "I49.9"),
    ("mono", "B27.90"),
    ("whooping cough", "A37.90"),
    ("german measles", "B06.9"),
    ("lockjaw", "A35"),
    ("hay fever", "J30.1"),
    ("tooth decay", "K02.9"),
    ("ringing in the ears", "H93.19"),
)

TYPO_QUERIES: tuple[tuple[str, str], ...] = (
    ("alzimer", "G30.9"),
    ("pnuemonia", "J18.9"),
    ("diabeetes type 2", "E11.9"),
    ("hypertenshun", "I10"),
    ("asthama", "J45.909"),
    ("migrane", "G43.909"),
    ("bronkitis", "J40"),
    ("apendicitis", "K37"),
    ("psoriaisis", "L40.9"),
    ("anemea", "D64.9"),
    ("epilepsey", "G40.909"),
    ("skizophrenia", "F20.9"),
    ("tonsilitis", "J03.90"),
    ("diarrea", "R19.7"),
    ("hemoroids", "K64.9"),
    ("gastritus", "K29.70"),
    ("menengitis", "G03.9"),
    ("fibromialgia", "M79.7"),
    ("anxeity disorder", "F41.9"),
    ("hypothyrodism", "E03.9"),
)


def lay_cases() -> list[DevCase]:
    """40 lay queries with the most typical code (unspecified site/side where it matters)."""
    return [DevCase(query, code, ()) for query, code in LAY_QUERIES]


def typo_cases() -> list[DevCase]:
    """20 misspelt clinical queries with the code of the correctly spelt term."""
    return [DevCase(query, code, ()) for query, code in TYPO_QUERIES]


def invalid_cases(cases: Sequence[DevCase], valid_codes: Mapping[str, str]) -> list[DevCase]:
    """The cases whose expected code is not in the release (should be none)."""
    return [case for case in cases if case.expected not in valid_codes]
