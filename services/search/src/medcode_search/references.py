"""Words other codes' notes say about a code: "Excludes1: chilblains (T69.1)" names T69.1.

Excludes, code-first, use-additional and code-also notes describe a code elsewhere in the
tabular list in words its own title often lacks. Each note's text (without its code
references) is lent to every code it references, as that code's `referenced` texts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence

#: A code as the tabular list writes it in notes: "T69.1", "I87.01-", "T45.1X-", "F52.-".
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{0,4})?-?"
_REFERENCE = re.compile(rf"(?<![A-Za-z0-9])({_CODE})(?:\s*-\s*({_CODE}))?(?![A-Za-z0-9])")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,;:])")
#: A range wider than this many codes names a chapter's worth of codes, not one condition.
MAX_RANGE = 30


def references(text: str) -> list[tuple[str, str]]:
    """(first, last) code of each reference in the note's parentheses; last is "" for one code.

    Dashes and dots at the end are dropped: "(F52.-)" is F52, "(I87.01-)" is I87.01.
    """
    found: list[tuple[str, str]] = []
    for inside in _PARENTHESISED.findall(text):
        for first, last in _REFERENCE.findall(inside):
            found.append((_bare(first), _bare(last) if last else ""))
    return found


def note_words(text: str) -> str:
    """The note's text without its parenthesised code references ("chilblains")."""
    kept = _PARENTHESISED.sub(lambda m: "" if references(m.group(0)) else m.group(0), text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(kept.split())).strip(" ,;:")


def _bare(code: str) -> str:
    return code.rstrip("-").rstrip(".")


class CodeResolver:
    """Maps references to existing codes: the longest existing prefix, ranges expanded."""

    def __init__(self, codes: Iterable[str]) -> None:
        self._codes = set(codes)
        self._sorted = sorted(self._codes)

    def resolve(self, first: str, last: str) -> list[str]:
        """The codes one reference names (none when it names nothing that exists)."""
        if not last:
            code = self._existing(first)
            return [code] if code else []
        if first[:3] > last[:3]:
            return []
        start = bisect.bisect_left(self._sorted, first)
        stop = bisect.bisect_right(self._sorted, last + "~")  # "~" sorts after any code
        levels = {len(first), len(last)}
        inside = [
            code
            for code in self._sorted[start:stop]
            if len(code) in levels and code[: len(last)] <= last
        ]
        return inside if len(inside) <= MAX_RANGE else []

    def _existing(self, code: str) -> str:
        """`code`, or its longest existing prefix ("T45.1X" -> "T45.1"), or ""."""
        while code:
            if code in self._codes:
                return code
            code = code[:-1].rstrip(".")
        return ""


def referenced_texts(
    notes: Mapping[str, Sequence[str]], codes: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """Per code, the words of other codes' referring notes (excludes, code first, use
    additional, code also) that reference it, each text once."""
    resolver = CodeResolver(codes)
    lent: dict[str, dict[str, None]] = {}
    for source, written in notes.items():
        for text in written:
            words = note_words(text)
            if not words:
                continue
            for first, last in references(text):
                for code in resolver.resolve(first, last):
                    if code != source:
                        lent.setdefault(code, {})[words] = None
    return {code: tuple(texts) for code, texts in lent.items()}
