"""One knowledge entry and the checks every entry passes, so a bad YAML file fails at load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Every kind of entry, in the order ties are broken when ranking.
KINDS: tuple[str, ...] = (
    "modifier",
    "convention",
    "guideline",
    "pcs_root_operation",
    "pcs_axis",
    "coverage",
)

#: Bounds on an entry's text: long enough to say something, short enough for a chat answer.
MIN_TEXT = 80
MAX_TEXT = 2400
MAX_TITLE = 120

_ICD10CM = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_ICD10PCS = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
_FIELDS = {"key", "title", "text", "source", "aliases", "codes"}


class KnowledgeError(ValueError):
    """A knowledge file or entry that breaks the rules; the message names the file and key."""


@dataclass(frozen=True)
class Entry:
    """One fact sheet CasePilot can answer from, naming the official source it summarises."""

    kind: str
    key: str
    title: str
    text: str
    source: str
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


def code_system(code: str) -> str:
    """Which classification a named code belongs to ("icd10cm" or "icd10pcs"), by its shape.

    ICD-10-CM codes are written with their dot (or are 3-character categories); ICD-10-PCS
    codes are 7 characters without a dot.
    """
    if _ICD10CM.match(code) and (len(code) == 3 or "." in code):
        return "icd10cm"
    if _ICD10PCS.match(code):
        return "icd10pcs"
    raise KnowledgeError(
        f"{code!r} is neither an ICD-10-CM code written with its dot (E11.9) nor a "
        "7-character ICD-10-PCS code (0DTJ4ZZ)"
    )


def _text(raw: Mapping[str, Any], field: str, where: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: {field!r} must be a non-empty string")
    return value.strip()


def _strings(raw: Mapping[str, Any], field: str, where: str) -> tuple[str, ...]:
    value = raw.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: {field!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_entry(kind: str, raw: object, where: str, extra: frozenset[str] = frozenset()) -> Entry:
    """An Entry from one YAML mapping, or KnowledgeError saying exactly what is wrong."""
    if kind not in KINDS:
        raise KnowledgeError(f"{where}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: an entry must be a mapping, got {type(raw).__name__}")
    unknown = set(raw) - _FIELDS - extra
    if unknown:
        raise KnowledgeError(f"{where}: unknown fields {sorted(unknown)}")
    key = raw.get("key")
    if isinstance(key, int):
        raise KnowledgeError(f"{where}: key {key!r} must be quoted in YAML (a string)")
    key = _text(raw, "key", where)
    where = f"{where} [{key}]"
    title = _text(raw, "title", where)
    text = _text(raw, "text", where)
    if len(title) > MAX_TITLE:
        raise KnowledgeError(f"{where}: title longer than {MAX_TITLE} characters")
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        raise KnowledgeError(
            f"{where}: text is {len(text)} characters; keep it between {MIN_TEXT} and {MAX_TEXT}"
        )
    codes = _strings(raw, "codes", where)
    for code in codes:
        try:
            code_system(code)
        except KnowledgeError as error:
            raise KnowledgeError(f"{where}: {error}") from None
    return Entry(
        kind=kind,
        key=key,
        title=title,
        text=text,
        source=_text(raw, "source", where),
        aliases=_strings(raw, "aliases", where),
        codes=codes,
    )
