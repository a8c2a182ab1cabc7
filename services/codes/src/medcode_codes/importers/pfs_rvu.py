"""Importer for the CMS Medicare PFS National Relative Value File (``PPRRVU<yy>_<Mon>``).

CMS ships the same table as fixed-width text (COBOL layout in ``RVU<yy><A-D>.pdf``) and as
CSV. Both list their 31 columns in the same order, so one field table drives both parsers
and the two files of a release parse to identical records. Descriptors are CPT (AMA
copyright): they are read from the operator's file at run time and never stored in code.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .records import ImportFormatError

__all__ = [
    "RvuRecord",
    "addon_codes",
    "detect_layout",
    "parse_decimal",
    "parse_pprrvu",
    "record_from_fields",
    "release_info",
]

log = logging.getLogger(__name__)

Layout = Literal["fixed", "csv"]


@dataclass(frozen=True, slots=True)
class RvuRecord:
    """One row (code + modifier) of the relative value file; fields in file column order."""

    code: str
    modifier: str
    description: str
    status_code: str
    not_used_for_medicare: str
    work_rvu: Decimal
    nonfacility_pe_rvu: Decimal
    nonfacility_na: bool
    facility_pe_rvu: Decimal
    facility_na: bool
    mp_rvu: Decimal
    nonfacility_total: Decimal
    facility_total: Decimal
    pctc_indicator: str
    global_days: str
    preop_pct: Decimal
    intraop_pct: Decimal
    postop_pct: Decimal
    multiple_procedure: str
    bilateral_surgery: str
    assistant_surgery: str
    co_surgeons: str
    team_surgery: str
    endoscopic_base_code: str
    conversion_factor: Decimal
    physician_supervision: str
    calculation_flag: str
    diagnostic_imaging_family: str
    nonfacility_pe_opps: Decimal | None
    facility_pe_opps: Decimal | None
    mp_opps: Decimal | None

    @property
    def is_add_on(self) -> bool:
        """ZZZ global days marks a service always billed with (inside) another one's global."""
        return self.global_days == "ZZZ"


_NUMBER = re.compile(r"[0-9]*(?:\.([0-9]+))?")
_CODE = re.compile(r"[0-9A-Z]{5}")


@functools.lru_cache(maxsize=4096)  # a release has few distinct values: "0.00", "32.3465"...
def parse_decimal(text: str, places: int | None = None) -> Decimal:
    """Parse an unsigned decimal as the layout's ``999.99`` pictures write it.

    ``Decimal()`` alone would accept signs, exponents, ``NaN`` and non-ASCII digits; a
    fixed number of *places* also catches fixed-width columns shifted by one character.
    """
    value = text.strip()
    match = _NUMBER.fullmatch(value)
    if not value or match is None:
        raise ValueError(f"not an unsigned decimal number: {text!r}")
    if places is not None and len(match.group(1) or "") != places:
        raise ValueError(f"expected {places} decimal places: {text!r}")
    return Decimal(value)


def _required(raw: str) -> str:
    if not raw.strip():
        raise ValueError("required indicator is blank")
    return raw.strip()


def _code(raw: str) -> str:
    if not _CODE.fullmatch(raw.strip()):
        raise ValueError(f"not a HCPCS code: {raw.strip()!r}")
    return raw.strip()


def _na(raw: str) -> bool:
    if raw.strip() not in ("", "NA"):
        raise ValueError(f"NA indicator must be blank or 'NA': {raw!r}")
    return raw.strip() == "NA"


def _rvu(raw: str) -> Decimal:
    return parse_decimal(raw, 2)


def _cf(raw: str) -> Decimal:
    return parse_decimal(raw, 4)


_text = str.strip


def _opps(raw: str) -> Decimal | None:
    return _rvu(raw) if raw.strip() else None


# (first, last) 1-based inclusive columns from RVU25D.pdf and the converter, in RvuRecord
# order, which is also the CSV column order. The PDF omits column 59 ("not used for Medicare
# payment", a "+" flag named only in the CSV header) and prints the last field's location
# as "1": 166-171 is where every row of the 2025 files puts it.
_SPEC: tuple[tuple[int, int, Callable[[str], Any]], ...] = (
    (1, 5, _code), (6, 7, _text), (8, 57, _text), (58, 58, _required), (59, 59, _text),
    (60, 65, _rvu), (67, 72, _rvu), (73, 74, _na), (76, 81, _rvu), (82, 83, _na),
    (85, 89, _rvu), (91, 96, _rvu), (97, 102, _rvu), (103, 103, _required),
    (104, 106, _required), (107, 109, _rvu), (110, 112, _rvu), (113, 115, _rvu),
    (116, 116, _text), (117, 117, _text), (118, 118, _text), (119, 119, _text),
    (120, 120, _text), (128, 132, _text), (133, 140, _cf), (142, 143, _text),
    (144, 144, _text), (146, 147, _text), (152, 157, _opps), (159, 164, _opps),
    (166, 171, _opps),
)  # fmt: skip
_NAMES = tuple(f.name for f in fields(RvuRecord))
_CONVERTERS = tuple(convert for _, _, convert in _SPEC)
_MIN_LENGTH = _SPEC[-1][1]  # CMS trims the blank filler up to the documented 200 characters
_SLICES = operator.itemgetter(*(slice(first - 1, last) for first, last, _ in _SPEC))
_USED = {i for first, last, _ in _SPEC for i in range(first - 1, last)}
_FILLER = operator.itemgetter(*(i for i in range(_MIN_LENGTH) if i not in _USED))
_BLANK_FILLER = _FILLER(" " * _MIN_LENGTH)
_DOTS = tuple(last - 3 for _, last, conv in _SPEC if conv is _rvu)  # 0-based "." positions


def record_from_fields(raw: Sequence[str]) -> RvuRecord:
    """Build a record from the 31 raw column strings; ``ValueError`` says which is bad."""
    if len(raw) != len(_SPEC):
        raise ValueError(f"expected {len(_SPEC)} fields, found {len(raw)}")
    try:  # fast path; on failure convert again field by field to name the culprit
        return RvuRecord(*[convert(text) for convert, text in zip(_CONVERTERS, raw, strict=True)])
    except ValueError:
        pass
    for name, convert, text in zip(_NAMES, _CONVERTERS, raw, strict=True):
        try:
            convert(text)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    raise AssertionError("unreachable: a field failed above")  # pragma: no cover


def _fixed_fields(line: str) -> Sequence[str]:
    if len(line) < _MIN_LENGTH:
        raise ValueError(f"record has {len(line)} characters; the layout needs {_MIN_LENGTH}")
    if _FILLER(line) != _BLANK_FILLER or line[_MIN_LENGTH:].strip():
        raise ValueError("text in filler columns: record is not in the RVU fixed-width layout")
    return _SLICES(line)  # type: ignore[no-any-return]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    # The layout counts bytes; latin-1 maps each byte to one character, so column slices
    # stay aligned and decoding never fails on a stray Windows-1252 byte in a descriptor.
    with path.open(encoding="latin-1", newline="") as fh:
        for lineno, line in enumerate(fh, 1):
            yield lineno, line.rstrip("\r\n")


def _csv_header(row: Sequence[str]) -> bool:
    """Title, copyright and column-heading rows leave the code column blank or say HCPCS."""
    return not row or not row[0].strip() or row[0].strip().upper() == "HCPCS"


def detect_layout(path: Path) -> Layout:
    """Tell fixed-width from CSV by the first non-blank line, whatever the extension says."""
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        if line.startswith("HDR") or (
            len(line) >= _MIN_LENGTH and all(line[i] == "." for i in _DOTS)
        ):
            return "fixed"
        if len(next(csv.reader([line]))) == len(_SPEC):
            return "csv"
        raise ImportFormatError(str(path), lineno, "unknown layout: neither RVU text nor CSV")
    raise ImportFormatError(str(path), 0, "file is empty")


def _rows(path: Path, layout: Layout) -> Iterator[tuple[int, str | list[str]]]:
    """Data rows with their line numbers: HDR records (text) and CSV title rows skipped."""
    if layout == "fixed":
        yield from ((n, s) for n, s in _lines(path) if s.strip() and not s.startswith("HDR"))
        return
    with path.open(encoding="latin-1", newline="") as fh:
        reader = csv.reader(fh)
        in_header = True
        for row in reader:
            if not any(cell.strip() for cell in row) or (in_header and _csv_header(row)):
                continue
            in_header = False
            yield reader.line_num, row


def parse_pprrvu(path: Path) -> Iterator[RvuRecord]:
    """Yield every data row of a PPRRVU file (.txt or .csv) in file order.

    The layout is detected eagerly so a wrong file fails at the call, not mid-import;
    a malformed row raises ``ImportFormatError`` with its line number.
    """
    layout = detect_layout(path)
    return _records(path, layout)


def _records(path: Path, layout: Layout) -> Iterator[RvuRecord]:
    count = 0
    for lineno, raw in _rows(path, layout):
        try:
            record = record_from_fields(_fixed_fields(raw) if isinstance(raw, str) else raw)
        except ValueError as exc:
            raise ImportFormatError(str(path), lineno, str(exc)) from None
        count += 1
        yield record
    log.info("parsed %d RVU records from %s (%s layout)", count, path.name, layout)


def addon_codes(records: Iterable[RvuRecord]) -> set[str]:
    """Codes that are add-ons (global ZZZ), for flagging them in code lookups."""
    return {r.code for r in records if r.is_add_on}


_QUARTERS = {"jan": ("A", 1), "apr": ("B", 4), "jul": ("C", 7), "oct": ("D", 10)}
_LETTERS = {letter: month for letter, month in _QUARTERS.values()}
_TITLE = re.compile(
    r"\b(20\d\d) National Physician Fee Schedule Relative Value File (jan|apr|jul|oct)", re.I
)
_RELEASED = re.compile(r"RELEASED (\d{1,2}/\d{1,2}/\d{4})", re.I)
_NAME_MONTH = re.compile(r"PPRRVU(\d{4}|\d{2})_?(jan|apr|jul|oct)", re.I)
_NAME_RELEASE = re.compile(r"RVU(\d\d)([A-D])", re.I)


def _from_name(name: str) -> tuple[int, int] | None:
    if match := _NAME_MONTH.search(name):
        return 2000 + int(match[1]) % 100, _QUARTERS[match[2].lower()][1]
    if match := _NAME_RELEASE.search(name):
        return 2000 + int(match[1]), _LETTERS[match[2].upper()]
    return None


def release_info(path: Path) -> tuple[str, dt.date, str]:
    """Return (release e.g. ``RVU25D``, effective date, source description) for *path*.

    The CSV title row names year and quarter; the text file's HDR records hold only
    copyright lines (with years that differ from the release), so there the file name
    decides. If both speak and disagree the file was renamed, and we refuse it.
    """
    from_name = _from_name(path.name)
    from_title: tuple[int, int] | None = None
    released = ""
    for lineno, line in _lines(path):  # header = HDR records (text) or code-less rows (CSV)
        if not line.startswith("HDR") and not _csv_header(next(csv.reader([line]), [])):
            break
        if match := _TITLE.search(line):
            from_title = int(match[1]), _QUARTERS[match[2].lower()][1]
            if from_name and from_name != from_title:
                raise ImportFormatError(
                    str(path), lineno, f"header says {from_title} but file name says {from_name}"
                )
        if match := _RELEASED.search(line):
            released = f", released {match[1]}"
    year_month = from_title or from_name
    if year_month is None:
        raise ImportFormatError(str(path), 0, "cannot tell the release from header or name")
    effective = dt.date(year_month[0], year_month[1], 1)
    letter = next(letter for letter, month in _QUARTERS.values() if month == effective.month)
    release = f"RVU{effective:%y}{letter}"
    source = (
        f"CMS Medicare PFS National Relative Value File {release} "
        f"({effective:%B %Y} release{released}; {path.name})"
    )
    return release, effective, source
