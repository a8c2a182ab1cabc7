"""Importer for the CMS HCPCS Level II alpha-numeric ("ANWEB") fixed-width file.

Each code is one 320-column first record (id 3 = procedure, 7 = modifier) carrying every
administrative field, then zero or more continuation records (id 4 / 8) carrying only the
next 80 columns of the long description. Column positions sit on the fields of
:class:`HcpcsRecord`, 1-based and inclusive as in the CMS RIF record layout
(``HCPCSyyyy_recordlayout.txt``), so the class can be checked against it line by line.

We validate as we go and raise :class:`ImportFormatError` at the first bad record, so a
shifted or truncated file never yields a half-right snapshot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .records import ImportFormatError, NodeRecord, ReleaseInfo

__all__ = ["HcpcsRecord", "parse_anweb", "parse_date", "release_info", "split_fixed", "to_nodes"]

log = logging.getLogger(__name__)

SYSTEM = "hcpcs"
ENCODING = "cp1252"
RECORD_WIDTH = 320
CONTINUATION_WIDTH = 91  # code, sequence, record id and one 80-column description piece
MODIFIERS = "MODIFIERS"
_FIRST = {"3": False, "7": True}  # record id -> is_modifier
_CONTINUATION = {"4": False, "8": True}
_PROCEDURE_CODE = re.compile(r"[A-V][0-9]{4}")
_MODIFIER_CODE = re.compile(r"   [A-Z0-9]{2}")  # columns 1-3 blank, code in 4-5
# CMS prepends a prose disclaimer. A record is 320 columns or has a 5-digit sequence number
# in columns 6-10, and every line from the first such line on must be a valid record.
_RECORD_START = re.compile(r".{5}[0-9]{5}|.{320}$")
_MAX_PREAMBLE = 50
_ACTION_COLUMN = 293  # the last field of a first record; always filled in
_FILE_RELEASE = re.compile(r"HCPC(\d{4})(?:_?(JAN|APR|JUL|OCT))?", re.I)
_QUARTER_MONTH = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}
_DATE = -1

#: Commonly published CMS names of the HCPCS Level II ranges, by first letter.
SECTION_TITLES: dict[str, str] = {
    "A": "Transportation, medical and surgical supplies, miscellaneous and experimental",
    "B": "Enteral and parenteral therapy",
    "C": "Temporary codes for use with the outpatient prospective payment system",
    "D": "Dental procedures",
    "E": "Durable medical equipment",
    "G": "Procedures and professional services (temporary)",
    "H": "Alcohol and drug abuse treatment services",
    "J": "Drugs administered other than oral method, chemotherapy drugs",
    "K": "Temporary codes for durable medical equipment regional carriers",
    "L": "Orthotic and prosthetic procedures, devices",
    "M": "Medical services",
    "P": "Pathology and laboratory services",
    "Q": "Miscellaneous services (temporary codes)",
    "R": "Diagnostic radiology services",
    "S": "Temporary national codes (non-Medicare)",
    "T": "National codes established for state Medicaid agencies",
    "U": "Coronavirus diagnostic panel",
    "V": "Vision, hearing and speech-language pathology services",
}


def _cols(first: int, last: int, decoder: int = 0) -> Any:
    """Declare a field's layout columns; *decoder* 0 = text, _DATE, n = repeats n wide."""
    return dataclasses.field(metadata={"cols": (first, last, decoder)})


@dataclasses.dataclass(frozen=True, slots=True)
class HcpcsRecord:
    """One procedure or modifier code with every layout field a coder or biller uses.

    Text is stripped; repeating fields (``OCCURS`` in the layout) are tuples without the
    blank occurrences. Values are kept as CMS writes them (``1833(t)`` and ``1833(T)``
    both occur as statutes): they are citations, and rewriting them would hide that.
    """

    code: str
    is_modifier: bool
    long_description: str = _cols(12, 91)  # first piece; continuations are appended
    short_description: str = _cols(92, 119)
    pricing_indicators: tuple[str, ...] = _cols(120, 127, 2)
    multiple_pricing_indicator: str = _cols(128, 128)
    coverage_manual_sections: tuple[str, ...] = _cols(129, 146, 6)  # Coverage Issues Manual
    carrier_manual_sections: tuple[str, ...] = _cols(147, 170, 8)  # Medicare Carriers Manual
    statute: str = _cols(171, 180)
    lab_certifications: tuple[str, ...] = _cols(181, 204, 3)
    cross_references: tuple[str, ...] = _cols(205, 229, 5)
    coverage_code: str = _cols(230, 230)
    asc_group: str = _cols(231, 232)
    asc_effective_date: dt.date | None = _cols(233, 240, _DATE)
    mog_group: str = _cols(241, 243)
    mog_policy_indicator: str = _cols(244, 244)
    mog_effective_date: dt.date | None = _cols(245, 252, _DATE)
    processing_note: str = _cols(253, 256)
    betos: str = _cols(257, 259)
    type_of_service: tuple[str, ...] = _cols(261, 265, 1)
    anesthesia_base_units: str = _cols(266, 268)
    add_date: dt.date | None = _cols(269, 276, _DATE)
    action_effective_date: dt.date | None = _cols(277, 284, _DATE)
    termination_date: dt.date | None = _cols(285, 292, _DATE)
    action_code: str = _cols(293, 293)


_LAYOUT: tuple[tuple[str, int, int, int], ...] = tuple(
    (f.name, *f.metadata["cols"]) for f in dataclasses.fields(HcpcsRecord) if f.metadata
)


def parse_date(text: str, path: str = "<field>", line: int = 0) -> dt.date | None:
    """Parse a CCYYMMDD field; blank (or the mainframe's all-zero "no date") is None.

    Anything else that is not a real calendar date raises ImportFormatError, because a
    wrong date silently changes whether a code is billable.
    """
    value = text.strip()
    if not value or value == "00000000":
        return None
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ImportFormatError(path, line, f"date {text!r} is not CCYYMMDD")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as exc:
        raise ImportFormatError(path, line, f"date {text!r} is not a valid date: {exc}") from None


def split_fixed(text: str, width: int) -> tuple[str, ...]:
    """Split a repeating field into its *width*-column occurrences, dropping blanks."""
    if not text.strip():
        return ()
    pieces = (text[i : i + width].strip() for i in range(0, len(text), width))
    return tuple(piece for piece in pieces if piece)


def _data_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, text) of each non-blank line from the first record on."""
    name, started = str(path), False
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            text = raw.rstrip(b"\r").decode(ENCODING)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, number, f"undecodable {ENCODING} byte: {exc}") from None
        if not started and not (started := bool(_RECORD_START.match(text))):
            if number >= _MAX_PREAMBLE:
                raise ImportFormatError(name, number, "no HCPCS record after the disclaimer")
            continue
        if text.strip():
            yield number, text
    if not started:
        raise ImportFormatError(name, 1, "file contains no HCPCS records")


def _first_record(text: str, is_modifier: bool, path: str, line: int) -> dict[str, Any]:
    """Check and decode a first (id 3 / 7) record into field values for :func:`_finish`."""
    if not (_MODIFIER_CODE if is_modifier else _PROCEDURE_CODE).fullmatch(text[:5]):
        kind = "modifier (2 letters/digits in columns 4-5)" if is_modifier else "code [A-V]9999"
        raise ImportFormatError(path, line, f"{text[:5]!r} is not a HCPCS {kind}")
    if len(text) < _ACTION_COLUMN or not text[_ACTION_COLUMN - 1].strip():
        reason = f"first record ends at column {len(text.rstrip())}; no action code in 293"
        raise ImportFormatError(path, line, reason)
    values: dict[str, Any] = {"code": text[:5].strip(), "is_modifier": is_modifier}
    for name, first, last, decoder in _LAYOUT:
        raw = text[first - 1 : last]
        if decoder == _DATE:
            values[name] = parse_date(raw, path, line)
        else:
            values[name] = split_fixed(raw, decoder) if decoder else raw.strip()
    return values


def parse_anweb(path: Path) -> Iterator[HcpcsRecord]:
    """Yield every procedure and modifier code in file order, descriptions stitched.

    Pieces are joined with single spaces and whitespace runs collapsed: CMS wraps at word
    boundaries, leaving at least one trailing blank in every piece of the 2020 file.
    """
    name = str(path)
    current: dict[str, Any] | None = None
    pieces: list[str] = []
    seen: set[str] = set()
    for line, text in _data_lines(path):
        if len(text) < 11 or not text[5:10].isdigit():
            raise ImportFormatError(name, line, "too short, or no sequence number in columns 6-10")
        if text[RECORD_WIDTH:].strip():
            raise ImportFormatError(name, line, f"record is {len(text)} columns, layout has 320")
        rid = text[10]
        if rid in _FIRST:
            if current is not None:
                yield _finish(current, pieces)
            current = _first_record(text, _FIRST[rid], name, line)
            if current["code"] in seen:
                raise ImportFormatError(name, line, f"duplicate code {current['code']}")
            seen.add(current["code"])
            pieces = [current["long_description"]]
        elif rid in _CONTINUATION:
            if current is None or current["is_modifier"] != _CONTINUATION[rid]:
                raise ImportFormatError(name, line, f"continuation (id {rid}) has no first record")
            if text[:5].strip() != current["code"]:
                reason = f"continues {text[:5]!r}, not {current['code']}"
                raise ImportFormatError(name, line, reason)
            if text[CONTINUATION_WIDTH:].strip():
                raise ImportFormatError(name, line, "continuation has data after column 91")
            pieces.append(text[11:CONTINUATION_WIDTH])
        else:
            raise ImportFormatError(name, line, f"unknown record id {rid!r} in column 11")
    if current is not None:
        yield _finish(current, pieces)


def _finish(values: dict[str, Any], pieces: list[str]) -> HcpcsRecord:
    return HcpcsRecord(**{**values, "long_description": " ".join(" ".join(pieces).split())})


def release_info(path: Path, effective_date: dt.date | None = None) -> ReleaseInfo:
    """Describe the release in *path*: the caller's date, else the file name's, else data's.

    CMS names the annual file ``HCPC<year>_...`` (effective January 1) and quarterly ones
    ``HCPC<year>_<APR|JUL|OCT>_...``. Failing both, the newest action effective date in
    the records is the best evidence of when the file took effect.
    """
    match = _FILE_RELEASE.search(path.name)
    if effective_date is None and match:
        month = _QUARTER_MONTH[(match.group(2) or "JAN").upper()]
        effective_date = dt.date(int(match.group(1)), month, 1)
    if effective_date is None:
        dates = [r.action_effective_date for r in parse_anweb(path) if r.action_effective_date]
        if not dates:
            raise ImportFormatError(str(path), 1, "cannot tell the release: no effective dates")
        effective_date = max(dates)
    source = f"CMS HCPCS Level II alpha-numeric file {path.name}"
    return ReleaseInfo(SYSTEM, effective_date.isoformat(), effective_date, source)


def _node(record: HcpcsRecord, kind: str, billable: bool, parent: str) -> NodeRecord:
    """A code or modifier node; every field but code and title goes in extra, as JSON."""
    extra: dict[str, Any] = {}
    for name, *_ in _LAYOUT:
        if name == "long_description":  # the node's title
            continue
        value = getattr(record, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        extra[name] = list(value) if isinstance(value, tuple) else value
    return NodeRecord(record.code, record.long_description, kind, billable, parent, extra=extra)


def to_nodes(
    records: Iterable[HcpcsRecord], *, as_of: dt.date | None = None
) -> Iterator[NodeRecord]:
    """Build the snapshot hierarchy: letter sections with their codes, then modifiers.

    Each section is followed by its codes, so parents always precede children. A code is
    billable on `as_of` (the release's effective date) unless terminated before it; a
    modifier is never billable on its own.
    """

    def billable(record: HcpcsRecord) -> bool:
        end = record.termination_date
        return end is None or (as_of is not None and end >= as_of)

    by_letter: dict[str, list[HcpcsRecord]] = {}
    modifiers: list[HcpcsRecord] = []
    for record in records:
        target = modifiers if record.is_modifier else by_letter.setdefault(record.code[0], [])
        target.append(record)
    for letter in sorted(by_letter):
        title = SECTION_TITLES.get(letter)
        if title is None:
            log.warning("no published section name for HCPCS letter %s", letter)
            title = f"HCPCS Level II codes beginning with {letter}"
        yield NodeRecord(letter, title, "section", False, None)
        for rec in by_letter[letter]:
            yield _node(rec, "code", billable(rec), letter)
    if modifiers:
        yield NodeRecord(MODIFIERS, "HCPCS Level II and CPT modifiers", "section", False, None)
        for rec in modifiers:
            yield _node(rec, "modifier", False, MODIFIERS)
