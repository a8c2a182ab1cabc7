"""Plain records that every importer yields and the snapshot writer stores.

Importers know file formats; the snapshot writer knows SQLite. These records are the
only thing they share, so a new code set never touches storage code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Tabular note types, named as in the CDC ICD-10-CM tabular XML.
NOTE_TYPES: tuple[str, ...] = (
    "includes",
    "inclusionTerm",
    "excludes1",
    "excludes2",
    "codeFirst",
    "useAdditionalCode",
    "codeAlso",
    "notes",
    "sevenChrNote",
)


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """One instructional note line attached to a node (e.g. one Excludes1 entry)."""

    type: str
    text: str


@dataclass(frozen=True, slots=True)
class SeventhCharacter:
    """One 7th-character value defined at a node (e.g. "A": "initial encounter"), with the
    notes the definition lists under it (H34.81 "2" stable: "Old central retinal vein
    occlusion")."""

    character: str
    description: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """One node of a code system's hierarchy: a chapter, section, category, ... or code.

    `code` is the canonical display form (``E11.9``, ``A00-A09``, ``0016070``).
    `parent` is the canonical code of the parent node, or None for a top-level node.
    `extra` holds JSON-serialisable, system-specific fields (e.g. PCS axes).
    """

    code: str
    title: str
    kind: str
    billable: bool
    parent: str | None
    notes: tuple[NoteRecord, ...] = ()
    seventh_characters: tuple[SeventhCharacter, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    """Identity of one release of one code system, and where its data came from."""

    system: str
    release: str
    effective_date: dt.date
    source: str


class ImportFormatError(ValueError):
    """A source file does not follow its official layout; says where and why.

    Importers raise it before anything is written, so the current release stays in place.
    """

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
