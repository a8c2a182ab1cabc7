"""Why a hit matched: its title, an inclusion term, an alphabetic index line, a synonym, a
heading above it, another code's note naming it, or only a typo-tolerant reading. Worked out
for the hits a caller will see, not for every candidate."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from medcode_search.hits import (
    CODE,
    FUZZY,
    HEADING,
    INDEX,
    PREFIX,
    REFERENCE,
    TERM,
    TITLE,
    Ranked,
)
from medcode_search.query import parse, text_stems, texts_stems
from medcode_search.ranking import Profile
from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase


def explain(hit: Ranked, query: str) -> None:
    """Fill in why a hit matched, from its texts (for hits without a stem profile, such as
    the Elasticsearch backend's): it reads every inclusion term, so only shown hits get it."""
    if CODE in hit.reasons or PREFIX in hit.reasons:
        return
    words = WORD.findall(normalise_phrase(hit.matched_text or query))
    document = hit.document
    title_words = set(WORD.findall(normalise_phrase(document.title)))
    stems = {w[:5] for w in title_words}
    in_title = [w for w in words if w in title_words or (len(w) >= 5 and w[:5] in stems)]
    reasons = list(hit.reasons)
    if in_title:
        reasons.append(TITLE)
    for position, term in enumerate((*document.word_texts, *document.table_terms)):
        term_words = set(WORD.findall(normalise_phrase(term)))
        if any(w in term_words for w in words if w not in in_title):
            reasons.append(TERM if position < len(document.terms) else INDEX)
            hit.matched_text = hit.matched_text or term
            break
    else:
        if not in_title and not reasons:
            asked = text_stems(hit.matched_text or query)
            lent = texts_stems(document.referenced)
            reasons.append(_elsewhere(asked, lent, texts_stems(document.context)))
    hit.reasons = reasons


def explain_profiled(hit: Ranked, query: str, profile: Profile) -> None:
    """`explain` from the stems the re-scoring already holds (no re-tokenising)."""
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
