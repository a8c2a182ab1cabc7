"""Words of a question folded the same way as an entry's key, aliases and title, so a
simple deterministic match finds "sequencing" for "sequence" and "modifier 59" for "-59"."""

from __future__ import annotations

import re


def _word_set(text: str) -> frozenset[str]:
    """A set of words written as one readable block."""
    return frozenset(text.split())


#: English words that say nothing about which entry fits.
STOP_WORDS = _word_set(
    """a about after all also am an and any are as at be been before being between both but by
    can could do does did doing for from get gets had has have how i if in instead into is it its
    me my no not of on or our should so than that the their them then there these they this those
    to too under up us vs versus was we were what when where which while who why will with would
    you your yours only just please tell explain mean means meaning meant define definition
    difference differ example examples okay ok hi hello thanks thank"""
)

#: Domain words that every entry of a kind shares; they rank nothing on their own.
WEAK_WORDS = _word_set(
    """code codes coding coder coders use used using modifier modifiers icd icd10 cm pcs
    cpt hcpcs guideline guidelines official rule rules report reported reporting bill billing
    billed claim claims correct correctly right proper properly"""
)

_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r"[\"“”‘’'`]([^\"“”‘’'`]{1,40})[\"“”‘’'`]")
#: "modifier 59", "modifiers 25 and 59", "59 modifier", "-59", "mod XU".
_AFTER_WORD = re.compile(
    r"\b(?:modifiers?|mod)\s*[-:#]?\s*((?:[a-z0-9]{2}\b(?:\s*(?:,|and|or|/|&)\s*|\s+)?)+)"
)
_BEFORE_WORD = re.compile(r"\b([a-z0-9]{2})\s*-?\s*modifiers?\b")
_DASHED = re.compile(r"(?<![a-z0-9])-([a-z0-9]{2})(?![a-z0-9])")
_PAIR = re.compile(r"\b[a-z0-9]{2}\b")
#: "root operation T", "root operation value B": a PCS 3rd character named plainly.
_ROOT_CHARACTER = re.compile(
    r"\broot\s+operations?\s+(?:value\s+|character\s+)?[\"'`]?([0-9a-z])[\"'`]?(?![a-z0-9])"
)


def stem(word: str) -> str:
    """A crude, deterministic suffix fold: plurals and -ing/-ed/-e endings meet one stem."""
    if len(word) <= 3 or word[-1].isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Every word of a text, lower-cased and stemmed, stop words kept (for phrases)."""
    return [stem(token) for token in _TOKEN.findall(text.lower())]


def content_words(text: str) -> set[str]:
    """The stems of a text that can tell entries apart: no stop or weak words, no bare
    numbers or single letters (modifier codes are matched as codes, not as words)."""
    tokens = _TOKEN.findall(text.lower())
    skip = STOP_WORDS | WEAK_WORDS
    return {
        stem(token)
        for token in tokens
        if token not in skip and len(token) > 1 and not token.isdigit()
    }


def contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    """True when the stems of `phrase` appear consecutively in `haystack`."""
    size = len(phrase)
    if not size or size > len(haystack):
        return False
    return any(haystack[i : i + size] == phrase for i in range(len(haystack) - size + 1))


def quoted_terms(text: str) -> set[str]:
    """Terms the asker put in quotes ('what does "with" mean'), folded for exact matching."""
    return {" ".join(match.lower().split()) for match in _QUOTED.findall(text)}


def explicit_modifiers(text: str) -> set[str]:
    """Two-character codes the question plainly calls modifiers ("modifier 59", "-XU")."""
    lowered = text.lower()
    found: set[str] = set()
    for match in _AFTER_WORD.finditer(lowered):
        found.update(_PAIR.findall(match.group(1)))
    found.update(match.group(1) for match in _BEFORE_WORD.finditer(lowered))
    found.update(match.group(1) for match in _DASHED.finditer(lowered))
    return {code.upper() for code in found}


def root_characters(text: str) -> set[str]:
    """PCS 3rd characters the question names after "root operation" ("root operation T")."""
    return {match.upper() for match in _ROOT_CHARACTER.findall(text.lower())}


def bare_tokens(text: str) -> set[str]:
    """Every two-character token, upper-cased; ones written in lower case that are English
    stop words ("as", "at") are left out so "AS" the modifier is not found in every sentence."""
    found: set[str] = set()
    for token in re.findall(r"[A-Za-z0-9]+", text):
        if len(token) != 2:
            continue
        if token.lower() in STOP_WORDS and not token.isupper():
            continue
        found.add(token.upper())
    return found
