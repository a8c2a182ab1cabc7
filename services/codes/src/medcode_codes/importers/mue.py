"""NCCI medically unlikely edit (MUE) importer for the three CMS MUE tables.

CMS publishes one MUE table per setting (practitioner, outpatient hospital, DME
supplier), all with the same four columns below a few copyright lines. The setting is
named only in the header of the value column ("Practitioner Services MUE Values", ...),
so the reader takes it from there instead of from the file name, which users rename.
Columns are found by their header names, so a reordered or widened table still reads;
any data row that does not parse raises ImportFormatError rather than being skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .ncci_ptp import HCPCS_CODE_RE, TableHeader, find_header, table_rows
from .records import ImportFormatError

__all__ = ["ADJUDICATION_DESCRIPTIONS", "SETTINGS", "MueRecord", "parse_mue"]

logger = logging.getLogger(__name__)

#: Settings as returned by `parse_mue`, keyed by words found in the value column header.
SETTINGS: dict[str, str] = {
    "practitioner": "practitioner",
    "outpatient hospital": "outpatient_hospital",
    "facility": "outpatient_hospital",
    "dme": "dme",
}

#: CMS's names for the MUE adjudication indicators (MAI), used when a cell has only a digit.
ADJUDICATION_DESCRIPTIONS: dict[str, str] = {
    "1": "Line Edit",
    "2": "Date of Service Edit: Policy",
    "3": "Date of Service Edit: Clinical",
}

_CODE_HEADER_RE = re.compile(r"(hcpcs|cpt)( ?/ ?(hcpcs|cpt))? code", re.IGNORECASE)
_MAI_RE = re.compile(r"([123])(?![0-9])(?:\s*[-:.]?\s*(.*))?")
_VALUE_RE = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class MueRecord:
    """The most units of service of `code` that one provider reports for one patient.

    Indicator 1 limits each claim line; 2 and 3 limit the whole date of service (2 by
    CMS policy, absolute; 3 on clinical grounds, which documentation can overturn).
    """

    code: str
    value: int
    adjudication_indicator: str  # "1", "2" or "3"
    adjudication_description: str  # "Line Edit", "Date of Service Edit: Policy", ...
    rationale: str


@dataclass(frozen=True, slots=True)
class _Layout:
    """Column positions taken from the header row."""

    value: int
    indicator: int
    rationale: int
    width: int


def _is_mue_header(cells: Sequence[str]) -> bool:
    return (
        len(cells) >= 2
        and _CODE_HEADER_RE.fullmatch(cells[0]) is not None
        and "mue" in cells[1].lower()
    )


def _setting(path: Path, header: TableHeader) -> str:
    label = header.cells[1].lower()
    for words, setting in SETTINGS.items():
        if words in label:
            return setting
    raise ImportFormatError(
        str(path), header.line, f"cannot tell the MUE setting from column {header.cells[1]!r}"
    )


def _layout(path: Path, header: TableHeader) -> _Layout:
    names = [cell.lower() for cell in header.cells]

    def column(word: str) -> int:
        for index, name in enumerate(names):
            if word in name:
                return index
        raise ImportFormatError(str(path), header.line, f"no MUE column named like {word!r}")

    width = max(index for index, name in enumerate(names) if name) + 1
    return _Layout(1, column("adjudication"), column("rationale"), width)


def _record(cells: list[str], layout: _Layout) -> MueRecord:
    """Turn one data row into a record; ValueError says what is wrong with it."""
    while len(cells) > layout.width and not cells[-1]:
        cells.pop()  # trailing empty columns from spreadsheet exports
    if len(cells) != layout.width:
        raise ValueError(f"expected {layout.width} columns, found {len(cells)}")
    code, value = cells[0], cells[layout.value]
    if not HCPCS_CODE_RE.fullmatch(code):
        raise ValueError(f"code {code!r} is not a 5-character HCPCS/CPT code")
    if not _VALUE_RE.fullmatch(value):
        raise ValueError(f"MUE value {value!r} is not a whole number")
    mai = _MAI_RE.fullmatch(cells[layout.indicator])
    if mai is None:
        raise ValueError(
            f"MUE adjudication indicator {cells[layout.indicator]!r} does not start with 1, 2 or 3"
        )
    indicator = mai.group(1)
    return MueRecord(
        code=code,
        value=int(value),
        adjudication_indicator=indicator,
        adjudication_description=(mai.group(2) or "").strip()
        or ADJUDICATION_DESCRIPTIONS[indicator],
        rationale=cells[layout.rationale],
    )


def _records(path: Path, header: TableHeader, layout: _Layout) -> Iterator[MueRecord]:
    count = 0
    for line, cells in table_rows(path, header):
        try:
            record = _record(cells, layout)
        except ValueError as exc:
            raise ImportFormatError(str(path), line, str(exc)) from None
        count += 1
        yield record
    logger.info("read %d MUE records from %s", count, path.name)


def parse_mue(path: Path) -> tuple[str, Iterator[MueRecord]]:
    """Read a CMS MUE table: its setting now, and its rows lazily.

    The setting is "practitioner", "outpatient_hospital" or "dme". The header is read
    (and checked) before returning, so a file of the wrong kind fails here; bad data rows
    raise ImportFormatError with their 1-based line number while iterating.
    """
    header = find_header(path, _is_mue_header, "MUE 'HCPCS/CPT Code'")
    setting = _setting(path, header)
    layout = _layout(path, header)
    logger.debug("%s: %s MUE table, header on line %d", path, setting, header.line)
    return setting, _records(path, header, layout)
