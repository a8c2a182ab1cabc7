"""Codes that start with what was typed: the code-shaped half of search and type-ahead.

Both read the corpus's sorted code lists (no index): a search normalises the query as a code
of each system ("e119" -> E11.9) and lists the exact code, then its subtree in code order;
type-ahead takes any code prefix as typed (dots and case aside, "e11." = "E11") and lists
commonly looked-up codes of the subtree right after the exact code.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence

from medcode_common.codesystems import MalformedCode, System, normalize_code
from medcode_search import weights
from medcode_search.corpus import Corpus
from medcode_search.hits import CODE, PREFIX, Ranked

#: Most codes a code prefix lists (the rest of a large subtree is one more keystroke away).
PREFIX_LIMIT = 500


def search_code_hits(
    corpus: Corpus, text: str, systems: Sequence[str], releases: Mapping[str, str] | None
) -> list[Ranked]:
    """The exact code (normalised per system), then its subtree in code order."""
    hits: list[Ranked] = []
    for system in systems:
        try:
            canonical = normalize_code(System(system), text)
        except (MalformedCode, ValueError):
            continue
        bare = canonical.replace(".", "")
        entries = corpus.codes.get(system, [])
        start = bisect.bisect_left(entries, (bare, -1))
        for offset, (key, number) in enumerate(entries[start : start + PREFIX_LIMIT]):
            if not key.startswith(bare):
                break
            document = corpus.documents[number]
            if releases is not None and document.release != releases[system]:
                continue
            exact = key == bare
            if exact:
                score = weights.EXACT_CODE_SCORE
            else:
                score = weights.CODE_PREFIX_SCORE - offset * weights.CODE_PREFIX_STEP
            hits.append(Ranked(document, score, [CODE if exact else PREFIX]))
    return hits


def suggested_code_hits(
    corpus: Corpus,
    text: str,
    systems: Sequence[str],
    releases: Mapping[str, str] | None,
    *,
    billable_only: bool,
    commonness: Callable[[str, str], float],
) -> list[Ranked]:
    """Codes starting with what was typed: the exact code, then commonly looked-up codes
    (by `commonness(system, code)`), then the rest in code order; a range heading
    ("I10-I1A") only when typed whole."""
    bare = text.strip().upper().replace(".", "")
    if not bare.isalnum():
        return []
    hits = []
    for system in systems:
        entries = corpus.codes.get(system, [])
        start = bisect.bisect_left(entries, (bare, -1))
        for offset, (key, number) in enumerate(entries[start : start + PREFIX_LIMIT]):
            if not key.startswith(bare):
                break
            document = corpus.documents[number]
            if releases is not None and document.release != releases.get(system):
                continue
            if (billable_only and not document.billable) or "-" in key:
                continue
            if key == bare:
                hits.append(Ranked(document, weights.EXACT_CODE_SCORE, [CODE]))
                continue
            score = (
                weights.CODE_PREFIX_SCORE
                - offset * weights.CODE_PREFIX_STEP
                + weights.SUGGEST_COMMON_CODE_BONUS * commonness(system, document.code)
            )
            hits.append(Ranked(document, score, [PREFIX]))
    return hits


def numbers_of(corpus: Corpus, system: str, code: str) -> list[int]:
    """The document numbers of one code (one per indexed release)."""
    entries = corpus.codes.get(system, [])
    bare = code.replace(".", "")
    at = bisect.bisect_left(entries, (bare, -1))
    found = []
    while at < len(entries) and entries[at][0] == bare:
        found.append(entries[at][1])
        at += 1
    return found
