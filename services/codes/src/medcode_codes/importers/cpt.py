"""CPT importer: MedCode's own starter set, optionally overlaid with a licensed AMA file.

CPT descriptors are AMA copyright, so the repository ships only code numbers with
plain-language descriptions that MedCode wrote itself (``data/cpt_starter.tsv``). A site
that holds a CPT licence imports the AMA tab-delimited data files; their descriptors then
become the official titles in its local snapshot and never enter the repository.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .records import ImportFormatError, NodeRecord, ReleaseInfo

__all__ = [
    "CODE_RE",
    "NOT_IN_LICENSED",
    "NOTICE",
    "SECTIONS",
    "CptDescriptor",
    "Layout",
    "StarterCode",
    "load_licensed",
    "parse_licensed_file",
    "parse_row",
    "parse_starter",
    "release_info",
    "section_of",
    "starter_set",
    "to_nodes",
]

log = logging.getLogger(__name__)

SYSTEM = "cpt"
#: The CPT year the starter codes were checked against (all exist in CPT 2025).
STARTER_YEAR = 2025
CODE_RE = re.compile(r"^[0-9]{4}[0-9FTU]$")
NOTICE = (
    "Official CPT descriptor requires a CPT licence file; "
    "import one with `medcode import cpt FILE`."
)
NOT_IN_LICENSED = "This code is not in the imported CPT licence file (it may be from another year)."
#: Section name -> (node code, CPT category). Short stable codes that never look like CPT.
SECTIONS: dict[str, tuple[str, str]] = {
    "Evaluation and Management": ("SECTION-EM", "I"),
    "Anesthesia": ("SECTION-ANES", "I"),
    "Surgery": ("SECTION-SURG", "I"),
    "Radiology": ("SECTION-RAD", "I"),
    "Pathology and Laboratory": ("SECTION-LAB", "I"),
    "Medicine": ("SECTION-MED", "I"),
    "Proprietary Laboratory Analyses": ("SECTION-PLA", "I"),
    "Performance Measurement": ("SECTION-CAT2", "II"),
    "Emerging Technology": ("SECTION-CAT3", "III"),
}
_STARTER_HEADER = ("code", "category", "section", "description", "add_on")
_STARTER_SOURCE = "medcode_codes/data/cpt_starter.tsv"
_HEADER_WORDS = frozenset({"code", "cpt", "hcpcs", "descriptor", "description"})
_ADD_ON_MARK = "list separately in addition"  # how AMA descriptors flag add-on codes
Column = Literal["long", "medium", "short"]


@dataclass(frozen=True, slots=True)
class CptDescriptor:
    """One code's official descriptors from a licensed file; medium/short may be ""."""

    code: str
    long: str
    medium: str
    short: str


@dataclass(frozen=True, slots=True)
class StarterCode:
    """One row of the shipped starter set: a code and MedCode's own description."""

    code: str
    category: str
    section: str
    description: str
    add_on: bool


@dataclass(frozen=True, slots=True)
class Layout:
    """Which field of a licensed row holds what; None means the file lacks that column."""

    width: int
    code: int = 0
    long: int | None = None
    medium: int | None = None
    short: int | None = None


def section_of(code: str) -> str:
    """The CPT section a code number falls in, so licensed-only codes get a parent."""
    if code.endswith("F"):
        return "Performance Measurement"
    if code.endswith("T"):
        return "Emerging Technology"
    if code.endswith("U"):
        return "Proprietary Laboratory Analyses"
    number = int(code)
    for limit, section in ((10000, "Anesthesia"), (70000, "Surgery"), (80000, "Radiology")):
        if number < limit:
            return section
    if number < 90000:
        return "Pathology and Laboratory"
    return "Evaluation and Management" if 99201 <= number <= 99499 else "Medicine"


def _starter_problem(
    code: str, category: str, section: str, description: str, add_on: str, seen: set[str]
) -> str | None:
    if not CODE_RE.match(code):
        return "not a CPT code"
    if code in seen:
        return "duplicate code"
    if section not in SECTIONS:
        return "unknown section"
    if SECTIONS[section][1] != category:
        return "category does not match section"
    if not description:
        return "empty description"
    return None if add_on in ("yes", "no") else "add_on must be yes or no"


def parse_starter(text: str, source: str = _STARTER_SOURCE) -> list[StarterCode]:
    """Parse and validate the starter TSV; a broken shipped file must fail loudly."""
    lines = text.removeprefix("\ufeff").split("\n")
    if tuple(lines[0].rstrip("\r").split("\t")) != _STARTER_HEADER:
        raise ImportFormatError(source, 1, f"header must be {'<TAB>'.join(_STARTER_HEADER)}")
    codes: list[StarterCode] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != len(_STARTER_HEADER):
            raise ImportFormatError(source, number, f"expected 5 fields, found {len(fields)}")
        code, category, section, description, add_on = (f.strip() for f in fields)
        problem = _starter_problem(code, category, section, description, add_on, seen)
        if problem:
            raise ImportFormatError(source, number, f"{problem}: {line.strip()[:60]!r}")
        seen.add(code)
        codes.append(StarterCode(code, category, section, description, add_on == "yes"))
    return codes


@lru_cache(maxsize=1)
def _starter() -> tuple[StarterCode, ...]:
    text = resources.files("medcode_codes.data").joinpath("cpt_starter.tsv").read_text("utf-8")
    return tuple(parse_starter(text))


def starter_set() -> list[StarterCode]:
    """The shipped starter codes, read once through importlib.resources (works from wheels)."""
    return list(_starter())


def _decode(raw: bytes, path: str) -> str:
    """AMA files come as UTF-8 (with or without BOM), UTF-16 Excel exports, or cp1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.removeprefix(codecs.BOM_UTF8).decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(path, line, "text is neither UTF-8 nor Windows-1252") from exc


def _field(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':  # spreadsheet export quoting
        text = text[1:-1].replace('""', '"').strip()
    return text


def parse_row(line: str, layout: Layout, *, path: str = "<row>", line_no: int = 0) -> CptDescriptor:
    """Split one tab-delimited row by `layout`; raise ImportFormatError saying what is wrong."""
    fields = [_field(f) for f in line.rstrip("\r\n").split("\t")]
    while len(fields) > layout.width and not fields[-1]:  # tolerate trailing empty fields
        fields.pop()
    if len(fields) != layout.width:
        raise ImportFormatError(
            path, line_no, f"expected {layout.width} tab-separated fields, found {len(fields)}"
        )
    code = fields[layout.code].upper()
    if not CODE_RE.match(code):
        raise ImportFormatError(path, line_no, f"not a CPT code: {fields[layout.code][:20]!r}")
    texts = [fields[i] if i is not None else "" for i in (layout.long, layout.medium, layout.short)]
    if not any(texts):
        raise ImportFormatError(path, line_no, f"no descriptor text for {code}")
    return CptDescriptor(code, *texts)


def _header_layout(fields: Sequence[str], path: str, line_no: int) -> Layout:
    """Map a header row's column names (e.g. "CPT Code", "Long Descriptor") to a Layout."""
    words = [set(re.findall(r"[a-z0-9]+", f.lower())) for f in fields]

    def find(*keys: str, skip: int | None = None) -> int | None:
        return next((i for i, w in enumerate(words) if i != skip and w & set(keys)), None)

    code = find("code", "cpt", "hcpcs")
    if code is None:
        raise ImportFormatError(path, line_no, "header row has no code column")
    long, medium = find("long", skip=code), find("medium", "med", skip=code)
    short = find("short", skip=code)
    if long is None and medium is None and short is None:
        long = find("descriptor", "description", "desc", skip=code)
        if long is None:
            raise ImportFormatError(path, line_no, "header row names no descriptor column")
    return Layout(len(fields), code, long, medium, short)


def _column_from_name(path: Path) -> Column:
    name = path.name.upper()
    return "short" if "SHORT" in name else "medium" if "MED" in name else "long"


def parse_licensed_file(path: Path, *, column: Column | None = None) -> Iterator[CptDescriptor]:
    """Yield descriptors from an AMA data file, with or without a header row.

    Headerless files are "code<TAB>descriptor"; which descriptor (long, medium, short) comes
    from `column`, else the file name (LONGULT, MEDU, SHORTU). Errors carry line numbers.
    """
    where = str(path)
    lines = _decode(path.read_bytes(), where).split("\n")
    layout: Layout | None = None
    seen: dict[str, int] = {}
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if layout is None:
            fields = line.rstrip("\r").split("\t")
            words = set(re.findall(r"[a-z]+", line.lower()))
            if not CODE_RE.match(_field(fields[0]).upper()) and words & _HEADER_WORDS:
                layout = _header_layout(fields, where, line_no)
                continue
            layout = Layout(2, 0, **{column or _column_from_name(path): 1})
        record = parse_row(line, layout, path=where, line_no=line_no)
        if record.code in seen:
            raise ImportFormatError(
                where, line_no, f"duplicate code {record.code} (first on line {seen[record.code]})"
            )
        seen[record.code] = line_no
        yield record
    if not seen:
        raise ImportFormatError(where, len(lines), "no CPT codes found")
    log.info("read %d CPT descriptors from %s", len(seen), path.name)


def load_licensed(paths: Iterable[Path]) -> dict[str, CptDescriptor]:
    """Read every file fully (before anything is written), merging long/medium/short files."""
    merged: dict[str, CptDescriptor] = {}
    for path in paths:
        for new in parse_licensed_file(path):
            old = merged.get(new.code, new)
            long, medium, short = (
                new.long or old.long,
                new.medium or old.medium,
                new.short or old.short,
            )
            merged[new.code] = CptDescriptor(new.code, long, medium, short)
    return merged


def _code_node(
    code: str, starter: StarterCode | None, lic: CptDescriptor | None, release: str | None
) -> NodeRecord:
    """One code node; `release` is None when no licensed file was imported at all."""
    official = (lic.long or lic.medium or lic.short) if lic else ""
    section = starter.section if starter else section_of(code)
    extra: dict[str, Any] = {
        "plain_description": starter.description if starter else "",
        "category": SECTIONS[section][1],
        "official_descriptor_available": bool(official),
        "add_on": starter.add_on if starter else _ADD_ON_MARK in official.lower(),
    }
    if lic:
        extra["title_source"] = f"CPT licence file, release {release}"
        extra.update(medium_descriptor=lic.medium, short_descriptor=lic.short)
    else:
        extra["title_source"] = "MedCode plain-language description"
        extra["official_descriptor_notice"] = NOTICE if release is None else NOT_IN_LICENSED
    title = official or (starter.description if starter else code)
    return NodeRecord(code, title, "code", True, SECTIONS[section][0], extra=extra)


def to_nodes(
    starter: list[StarterCode], licensed: dict[str, CptDescriptor] | None, *, release: str
) -> Iterator[NodeRecord]:
    """Yield section nodes, then codes: the starter set plus any licensed-only codes."""
    licensed = licensed or {}
    by_code = {s.code: s for s in starter}
    codes = sorted(by_code.keys() | licensed.keys())
    label = release if licensed else None
    nodes = [_code_node(c, by_code.get(c), licensed.get(c), label) for c in codes]
    used = {node.parent for node in nodes}
    for name, (node_code, category) in SECTIONS.items():
        if node_code in used:
            yield NodeRecord(node_code, name, "section", False, None, extra={"category": category})
    order = {node_code: i for i, (node_code, _) in enumerate(SECTIONS.values())}
    yield from sorted(nodes, key=lambda n: (order[n.parent or ""], n.code))
    log.info("CPT %s: %d codes (%d licensed)", release, len(nodes), len(licensed))


def release_info(
    licensed: Sequence[Path] = (),
    *,
    release: str | None = None,
    effective_date: dt.date | None = None,
) -> ReleaseInfo:
    """Name the release: "starter-<YYYY>" without licensed files, else the caller's label.

    A licensed file carries no reliable year, so the caller must say which release it is;
    the effective date defaults to January 1 of a leading year in that label.
    """
    count = len(starter_set())
    if not licensed:
        effective = effective_date or dt.date(STARTER_YEAR, 1, 1)
        source = f"MedCode CPT starter set: {count} codes with MedCode's own descriptions"
        return ReleaseInfo(SYSTEM, release or f"starter-{STARTER_YEAR}", effective, source)
    year = re.match(r"(\d{4})", release or "")
    if not release or (effective_date is None and year is None):
        raise ValueError(
            f"a licensed CPT import needs a release label like '2026', not {release!r}"
        )
    effective = effective_date or dt.date(int(year.group(1) if year else 0), 1, 1)
    names = ", ".join(p.name for p in licensed)
    source = f"CPT licence data files ({names}) with MedCode descriptions for {count} codes"
    return ReleaseInfo(SYSTEM, release, effective, source)
