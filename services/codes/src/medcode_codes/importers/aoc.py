"""NCCI add-on code (AOC) edit importer: which primary codes each add-on code needs.

CMS publishes the AOC edits quarterly as a table below a few title lines, with columns
"Add-on Code", "Primary Code", "AOC Edit Type", "Primary Code Effective Date", "Primary
Code Deletion Date", "AOC Edit Effective Date", "AOC Edit Deletion Date" and "Special
Instruction Notes". Type 1 lists the only eligible primaries; type 2 names none (the
contractor decides, the primary cell holds "CCCCC" or is blank); type 3 lists some
primaries and lets contractors allow others. Columns are found by header name.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .ncci_ptp import HCPCS_CODE_RE, find_header, table_rows
from .records import ImportFormatError

log = logging.getLogger(__name__)

EDIT_TYPES = {
    "1": "only the listed primary codes are eligible",
    "2": "no primary codes are listed; the Medicare contractor decides which are eligible",
    "3": "the listed primary codes are eligible, and the contractor may allow others",
}
_NO_PRIMARY = {"", "CCCCC"}
_COLUMNS = {
    "add_on": re.compile(r"add-?on code", re.I),
    "primary": re.compile(r"primary code$", re.I),
    "edit_type": re.compile(r"aoc edit type|edit type", re.I),
    "edit_effective": re.compile(r"aoc edit effective", re.I),
    "edit_deletion": re.compile(r"aoc edit deletion", re.I),
    "notes": re.compile(r"special instruction", re.I),
}


@dataclass(frozen=True, slots=True)
class AocEdit:
    """One add-on code and one of its primary codes ("" for type 2)."""

    add_on: str
    primary: str
    edit_type: str
    effective_date: dt.date
    deletion_date: dt.date | None
    notes: str


def _is_header(cells: Sequence[str]) -> bool:
    return any(_COLUMNS["add_on"].search(c) for c in cells) and any(
        _COLUMNS["primary"].search(c) for c in cells
    )


def _date(text: str, label: str, *, optional: bool) -> dt.date | None:
    if optional and text in ("", "*"):
        return None
    if not re.fullmatch(r"[0-9]{8}", text):
        raise ValueError(f"{label} {text!r} is not a YYYYMMDD date")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError(f"{label} {text!r} is not a calendar date") from None


def _edit(cells: list[str], where: dict[str, int]) -> AocEdit:
    def cell(name: str) -> str:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    add_on, primary, edit_type = cell("add_on"), cell("primary"), cell("edit_type")
    if not HCPCS_CODE_RE.fullmatch(add_on):
        raise ValueError(f"add-on code {add_on!r} is not a 5-character HCPCS/CPT code")
    if primary not in _NO_PRIMARY and not HCPCS_CODE_RE.fullmatch(primary):
        raise ValueError(f"primary code {primary!r} is not a 5-character HCPCS/CPT code")
    if edit_type not in EDIT_TYPES:
        raise ValueError(f"AOC edit type {edit_type!r} is not 1, 2 or 3")
    effective = _date(cell("edit_effective"), "AOC edit effective date", optional=False)
    assert effective is not None
    return AocEdit(
        add_on=add_on,
        primary="" if primary in _NO_PRIMARY else primary,
        edit_type=edit_type,
        effective_date=effective,
        deletion_date=_date(cell("edit_deletion"), "AOC edit deletion date", optional=True),
        notes=cell("notes"),
    )


def parse_aoc(path: Path) -> Iterator[AocEdit]:
    """Yield the edits of one CMS AOC file (tab or comma delimited), in file order."""
    header = find_header(path, _is_header, "AOC 'Add-on Code / Primary Code'")
    where: dict[str, int] = {}
    for name, pattern in _COLUMNS.items():
        for index, text in enumerate(header.cells):
            if pattern.search(text) and index not in where.values():
                where.setdefault(name, index)
    missing = {"add_on", "primary", "edit_type", "edit_effective"} - where.keys()
    if missing:
        raise ImportFormatError(str(path), header.line, f"missing columns: {sorted(missing)}")
    count = 0
    for line, cells in table_rows(path, header):
        try:
            yield _edit(cells, where)
        except ValueError as error:
            raise ImportFormatError(str(path), line, str(error)) from None
        count += 1
    log.info("read %d AOC edits from %s", count, path.name)
