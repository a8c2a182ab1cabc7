"""Why a hit matched: its title, an inclusion term, an alphabetic index line, a synonym, a
heading above it, another code's note naming it, or only a typo-tolerant reading. Worked out
for the hits a caller will see, not for every candidate."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from medcode_search.hits import (
    FUZZY,
    HEADING,
    INDEX,
    REFERENCE,
    TERM,
    TITLE,
    Ranked,
)
from medcode_search.query import parse
from medcode_search.ranking import Profile


def explain_profiled(hit: Ranked, query: str, profile: Profile) -> None:
    """Fill in why a hit matched, from the stems the re-scoring already holds (no
    re-tokenising); it walks the code's texts, so only the hits shown get it."""
    stems = set(parse(hit.matched_text or query).stems)
    title, *terms = (text for text, _core, _head in profile.texts)
    reasons = list(hit.reasons)
    if stems & title:
        reasons.append(TITLE)
    rest = stems - title
    own_terms = len(hit.document.terms)
    for position, term in enumerate(terms):
        if rest & term:
            reasons.append(TERM if position < own_terms else INDEX)
            hit.matched_text = hit.matched_text or hit.document.word_texts[position]
            break
    else:
        for position, (row, _core, _head) in enumerate(profile.tables):
            if rest & row:
                reasons.append(INDEX)
                hit.matched_text = hit.matched_text or hit.document.table_terms[position]
                break
        else:
            if not reasons:
                reasons.append(_elsewhere(rest, profile.referenced, profile.context - profile.own))
    hit.reasons = reasons


def _elsewhere(asked: AbstractSet[str], lent: AbstractSet[str], headings: AbstractSet[str]) -> str:
    """Why a hit matched when none of its own texts has the words: another code's note names
    it, its heading has them, or only a typo-tolerant reading matched."""
    if asked & lent:
        return REFERENCE
    if asked & headings:
        return HEADING
    return FUZZY
