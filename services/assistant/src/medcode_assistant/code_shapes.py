"""Code-shaped words in free text, with the systems each could belong to.

A word may fit several systems ("J1100" is a HCPCS code and ICD-10-CM J11.00 without its dot);
the codes service decides which is real, so every fit is kept, most likely first. The same
finder checks answers: anything it finds there must be a validated code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcode_common.codesystems import MalformedCode, System, normalize_code

# Letters and digits of an ICD-10-CM code; with a dot the shape is unambiguous.
_ICD10CM_DOTTED = r"[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}"
_ICD10CM_PLAIN = r"[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?"
_PCS = r"[0-9A-HJ-NP-Z]{7}"
_PCS_SECTIONS = frozenset("0123456789BCDFGHX")
_CPT = r"[0-9]{4}[0-9FTU]"
_HCPCS = r"[A-V][0-9]{4}"
# After a hyphen only when a digit precedes it: the end of a range ("A00-Y89") is a code too,
# "ICD-10" or "X-ray" are not.
_WORD = re.compile(
    r"(?<![0-9A-Za-z.])(?<![A-Za-z.]-)(?<!^-)"
    r"([0-9A-Za-z]{3,7}(?:\.[0-9A-Za-z]{1,4})?)(?![0-9A-Za-z]|\.[0-9A-Za-z])"
)
_AFTER_ICD9 = re.compile(r"icd-?9(?:-?cm|-?pcs)?(?: code)?\s*$", re.IGNORECASE)
_ICD9_CATEGORY = re.compile(
    r"(?<![0-9A-Za-z.])((?:[Vv][0-9]{2}|[Ee][0-9]{3}|[0-9]{3}))(?![0-9A-Za-z]|\.[0-9])"
)
_ICD9 = re.compile(
    r"(?<![0-9A-Za-z.])((?:V[0-9]{2}|E[0-9]{3}|[0-9]{2,3})\.[0-9]{1,2})(?![0-9A-Za-z]|\.[0-9])"
)


@dataclass(frozen=True, slots=True)
class CodeMention:
    """A word of the text and the canonical code it would be in each system it fits."""

    text: str
    start: int
    fits: tuple[tuple[System, str], ...]


def _fits(word: str) -> tuple[tuple[System, str], ...]:
    upper = word.upper()
    if not any(ch.isdigit() for ch in upper):
        return ()
    found: list[tuple[System, str]] = []
    if re.fullmatch(_PCS, upper) and upper[0] in _PCS_SECTIONS:
        found.append((System.ICD10PCS, upper))
    if not any(ch.isdigit() for ch in upper[1:3]):
        return tuple(found)
    if re.fullmatch(_ICD10CM_DOTTED, upper) or re.fullmatch(_ICD10CM_PLAIN, upper):
        found.append((System.ICD10CM, _canonical(System.ICD10CM, upper)))
    if re.fullmatch(_HCPCS, upper):
        found.insert(0, (System.HCPCS, upper))
    if re.fullmatch(_CPT, upper):
        found.append((System.CPT, upper))
    return tuple(found)


def _canonical(system: System, word: str) -> str:
    try:
        return normalize_code(system, word)
    except MalformedCode:
        return word


def _looks_like_code(word: str) -> bool:
    """Lowercase words ("b12", "a1c") count only with a dot: prose is full of them."""
    return word[0].isdigit() or word[0].isupper() or "." in word


def find_code_mentions(text: str) -> list[CodeMention]:
    """Every code-shaped word of `text`, in order; words written after "ICD-9" are ICD-9 codes
    (`find_icd9`), not codes of a loaded system."""
    mentions: list[CodeMention] = []
    for match in _WORD.finditer(text):
        word = match.group(1)
        if not _looks_like_code(word) or _AFTER_ICD9.search(
            text[max(0, match.start(1) - 16) : match.start(1)]
        ):
            continue
        fits = _fits(word)
        if fits:
            mentions.append(CodeMention(text=word, start=match.start(1), fits=fits))
    return mentions


def find_icd9(text: str) -> list[str]:
    """ICD-9-CM-shaped numbers with their dot ("428.0", "250.00", "V45.81"; procedures
    "81.54"), in order; V and E codes only when written after "ICD-9"; a 3-character
    category without a dot ("486", "V27") only right after "ICD-9"."""
    found: list[str] = []
    for match in _ICD9_CATEGORY.finditer(text):
        if _AFTER_ICD9.search(text[max(0, match.start(1) - 16) : match.start(1)]):
            found.append(match.group(1).upper())
    for match in _ICD9.finditer(text):
        value = match.group(1)
        if value[0].isalpha() and not _AFTER_ICD9.search(
            text[max(0, match.start(1) - 16) : match.start(1)]
        ):
            continue
        found.append(value)
    return found


def code_shaped_tokens(text: str) -> set[str]:
    """The canonical spellings of every code-shaped word in `text` (for answer checks)."""
    tokens: set[str] = set()
    for mention in find_code_mentions(text):
        tokens.update(code for _system, code in mention.fits)
    return tokens
