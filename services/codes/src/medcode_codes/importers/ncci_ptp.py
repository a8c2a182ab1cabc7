"""NCCI procedure-to-procedure (PTP) edit importer, practitioner and hospital files alike.

CMS publishes the same seven columns every quarter, but the bytes around them drift: the
text files are tab-delimited while CSV exports of the xlsx use commas and quotes, the
column header sits on one line or is wrapped over two, and copyright lines above it may
be UTF-8 (with or without a BOM) or cp1252. Rather than trusting one quarter's shape, the
reader finds the header row by its first two cells ("Column 1", "Column 2"), takes the
delimiter from that row, and then treats every later non-blank row as data that must
parse exactly, so a changed layout fails loudly instead of importing garbage.

The small table-reading helpers here (`decoded_lines`, `find_header`, `table_rows`) are
shared with the MUE importer, whose files have the same habits.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import logging
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .records import ImportFormatError

__all__ = [
    "HCPCS_CODE_RE",
    "MODIFIER_INDICATOR_MEANINGS",
    "PtpEdit",
    "TableHeader",
    "decoded_lines",
    "find_header",
    "parse_ptp",
    "table_rows",
]

logger = logging.getLogger(__name__)

#: A 5-character HCPCS/CPT code: CPT (99213, Category II/III 3008F/0591T, PLA 0001U,
#: vaccine 0001A) or HCPCS Level II (G0463, J1030).
HCPCS_CODE_RE = re.compile(r"[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4}")

#: What each modifier indicator (CMS's "CCMI") means for a claim, in plain words.
MODIFIER_INDICATOR_MEANINGS: dict[str, str] = {
    "0": (
        "never bypassable: the two codes are not reported together for the same patient on "
        "the same day, by the same provider; no modifier lets the column 2 code be paid"
    ),
    "1": (
        "bypassable: an NCCI-associated modifier (such as 59, XE, XS, XP, XU, or anatomic "
        "modifiers like LT/RT, F1, TA) may be used when the procedures are distinct (a "
        "separate session, site, organ system, incision or lesion), and then both codes "
        "may be paid"
    ),
    "9": (
        "not applicable: the edit was deleted retroactively, back to its effective date, "
        "so it never applied and the pair may be reported together"
    ),
}

_PTP_COLUMNS = 7
_MAX_PREAMBLE_LINES = 100
_DATE_RE = re.compile(r"[0-9]{8}")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One PTP edit: `column2` is denied when billed with `column1` (see the indicator)."""

    column1: str
    column2: str
    existed_before_1996: bool
    effective_date: dt.date
    deletion_date: dt.date | None
    modifier_indicator: str  # "0", "1" or "9"
    rationale: str

    def active_on(self, day: dt.date) -> bool:
        """True when the edit applies to a date of service.

        The effective date is inclusive and the deletion date exclusive: an edit with
        deletion date D last applies on D - 1 day. CMS dates quarterly deletions to the
        first day of the next quarter and retroactive deletions (indicator 9) to the
        effective date itself, which only reads as "never applied" with this rule.
        """
        if day < self.effective_date:
            return False
        return self.deletion_date is None or day < self.deletion_date


@dataclass(frozen=True, slots=True)
class TableHeader:
    """Where a table's header row is (1-based line), its delimiter and stripped cells."""

    line: int
    delimiter: str
    cells: tuple[str, ...]


def decoded_lines(path: Path) -> Generator[str, None, None]:
    """Yield each physical line as text ending in a bare "\\n", ready for csv.reader.

    Lines are decoded one at a time, UTF-8 first and cp1252 otherwise, because CMS files
    mix an ANSI copyright symbol with ASCII data; a leading UTF-8 BOM is dropped and
    CRLF becomes LF.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise ImportFormatError(str(path), 1, "UTF-16 text; save as UTF-8 or ANSI")
                raw = raw.removeprefix(_BOM)
            raw = raw.rstrip(b"\r\n")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                logger.debug("%s:%d is not UTF-8; reading it as cp1252", path, number)
                text = raw.decode("cp1252", errors="replace")
            yield text + "\n"


def _split(line: str, delimiter: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [" ".join(cell.split()) for cell in cells]


def find_header(path: Path, is_header: Callable[[Sequence[str]], bool], what: str) -> TableHeader:
    """Find the header row among the first lines; tab is tried before comma on each line."""
    with closing(decoded_lines(path)) as lines:
        for number, line in enumerate(itertools.islice(lines, _MAX_PREAMBLE_LINES), start=1):
            for delimiter in ("\t", ","):
                cells = _split(line, delimiter)
                if cells and is_header(cells):
                    logger.debug("%s: %s header on line %d", path, what, number)
                    return TableHeader(number, delimiter, tuple(cells))
    raise ImportFormatError(
        str(path), 1, f"no {what} header row in the first {_MAX_PREAMBLE_LINES} lines"
    )


def table_rows(path: Path, header: TableHeader) -> Iterator[tuple[int, list[str]]]:
    """Yield (1-based line, stripped cells) for each non-blank row after the header row."""
    lines = itertools.islice(decoded_lines(path), header.line, None)
    reader = csv.reader(lines, delimiter=header.delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = header.line + reader.line_num
            raise ImportFormatError(str(path), line, f"unreadable row: {exc}") from exc
        cells = [cell.strip() for cell in row]
        if any(cells):
            yield header.line + reader.line_num, cells


def _is_ptp_header(cells: Sequence[str]) -> bool:
    return (
        len(cells) >= 2
        and re.fullmatch(r"column ?1", cells[0], re.IGNORECASE) is not None
        and re.fullmatch(r"column ?2", cells[1], re.IGNORECASE) is not None
    )


def _is_header_continuation(cells: Sequence[str]) -> bool:
    """A wrapped header line ("prior to 1996", "Date", ...) has no codes and no dates."""
    has_code = any(HCPCS_CODE_RE.fullmatch(cell) for cell in cells[:2])
    return not has_code and not any(_DATE_RE.fullmatch(cell) for cell in cells)


def _date(text: str, label: str) -> dt.date:
    if not _DATE_RE.fullmatch(text):
        raise ValueError(f"{label} {text!r} is not a YYYYMMDD date")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError(f"{label} {text!r} is not a calendar date") from None


def _edit(cells: list[str]) -> PtpEdit:
    """Turn one data row into an edit; ValueError says what is wrong with it."""
    while len(cells) > _PTP_COLUMNS and not cells[-1]:
        cells.pop()  # trailing empty columns from spreadsheet exports
    if len(cells) != _PTP_COLUMNS:
        raise ValueError(f"expected {_PTP_COLUMNS} columns, found {len(cells)}")
    column1, column2, flag, effective, deletion, indicator, rationale = cells
    for label, code in (("column 1", column1), ("column 2", column2)):
        if not HCPCS_CODE_RE.fullmatch(code):
            raise ValueError(f"{label} code {code!r} is not a 5-character HCPCS/CPT code")
    if flag not in ("", "*"):
        raise ValueError(f"prior-to-1996 flag {flag!r} is neither '*' nor blank")
    if indicator not in MODIFIER_INDICATOR_MEANINGS:
        raise ValueError(f"modifier indicator {indicator!r} is not 0, 1 or 9")
    return PtpEdit(
        column1=column1,
        column2=column2,
        existed_before_1996=flag == "*",
        effective_date=_date(effective, "effective date"),
        deletion_date=None if deletion in ("", "*") else _date(deletion, "deletion date"),
        modifier_indicator=indicator,
        rationale=rationale,
    )


def parse_ptp(path: Path) -> Iterator[PtpEdit]:
    """Yield the edits of one CMS PTP file (.txt or .csv), lazily, in file order.

    Lines before the "Column 1 / Column 2" header are title and copyright text; lines
    between it and the first data row that hold no code and no date are the wrapped rest
    of the header. Any later row that does not parse raises ImportFormatError with its
    1-based line number, as does a file with no header (on first iteration).
    """
    header = find_header(path, _is_ptp_header, "PTP 'Column 1 / Column 2'")
    count = 0
    for line, cells in table_rows(path, header):
        if count == 0 and _is_header_continuation(cells):
            continue
        try:
            edit = _edit(cells)
        except ValueError as exc:
            raise ImportFormatError(str(path), line, str(exc)) from None
        count += 1
        yield edit
    logger.info("read %d PTP edits from %s", count, path.name)
