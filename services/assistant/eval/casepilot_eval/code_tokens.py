"""Find every code-shaped token in an answer, so each can be checked against the release.

Shapes (canonical, upper case): ICD-10-CM `E11`, `E11.9`, `S72.001A`; ICD-10-PCS seven
characters from the PCS alphabet (no I or O) with a digit and a section first (`0DTJ4ZZ`);
CPT four digits and a digit/F/T/U (`99213`, `0213T`); HCPCS Level II a letter and four digits
(`A4253`). ICD-9-CM codes (`428.0`) are not a system of a loaded release and are left out, as
are numbers inside amounts, dates and decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ICD10CM = "ICD10CM"
ICD10PCS = "ICD10PCS"
CPT = "CPT"
HCPCS = "HCPCS"

# A token stands alone: no letter, digit, "." or "$" glued before it, no letter or digit after
# it, and no "." followed by a digit after it (that would make it part of a longer number).
_BEFORE = r"(?<![A-Za-z0-9.$_])"
_AFTER = r"(?![A-Za-z0-9]|\.[0-9A-Za-z])"
_PCS = "[0-9A-HJ-NP-Z]"  # the PCS alphabet: digits and letters but I and O
_SHAPES = (
    (ICD10CM, re.compile(_BEFORE + r"([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)" + _AFTER)),
    (
        ICD10PCS,
        re.compile(_BEFORE + r"((?=[0-9A-HJ-NP-Z]*[0-9])[0-9BCDFGHX]" + _PCS + "{6})" + _AFTER),
    ),
    (CPT, re.compile(_BEFORE + r"([0-9]{4}[0-9FTU])" + _AFTER)),
    (HCPCS, re.compile(_BEFORE + r"([A-CEGHJ-MP-V][0-9]{4})" + _AFTER)),
)


@dataclass(frozen=True, order=True)
class CodeToken:
    """A code-shaped token and the code system its shape belongs to."""

    system: str
    code: str


def code_tokens(text: str) -> list[CodeToken]:
    """Every distinct code-shaped token in `text`, in order of first appearance."""
    found: dict[CodeToken, int] = {}
    for system, shape in _SHAPES:
        for match in shape.finditer(text):
            token = CodeToken(system, match.group(1))
            found.setdefault(token, match.start(1))
    # a PCS code also looks like nothing else; a HCPCS code is never an ICD-10-CM code
    # without a dot, so the shapes do not overlap and each token has one system
    return sorted(found, key=lambda token: (found[token], token.system))


def codes_in(text: str) -> set[str]:
    """The codes named in `text`, whatever their system."""
    return {token.code for token in code_tokens(text)}
