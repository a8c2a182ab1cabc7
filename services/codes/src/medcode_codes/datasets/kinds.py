"""Data-set kinds: their names and how parser records become (key, key2, payload) rows.

Keys are canonical codes, so the read side looks rows up with the same normalised code
the rest of the service uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from medcode_codes.datasets.store import Row

PFS_RVU = "pfs-rvu"
NCCI_AOC = "ncci-aoc"
MSDRG_CC = "msdrg-cc"
GEMS = "gems"
PTP_SETTINGS = {"practitioner": "ncci-ptp-practitioner", "hospital": "ncci-ptp-hospital"}
MUE_SETTINGS = {
    "practitioner": "mue-practitioner",
    "outpatient_hospital": "mue-outpatient-hospital",
    "dme": "mue-dme",
}

#: The ICD-10-CM alphabetic index files (importers/icd10cm_index.py), one data set each,
#: keyed by the file's name for itself.
ALPHABETIC_INDEXES = {
    "Index to Diseases and Injuries": "icd10cm-index",
    "External Cause of Injuries Index": "icd10cm-eindex",
    "Table of Neoplasms": "icd10cm-neoplasm",
    "Table of Drugs and Chemicals": "icd10cm-drug",
}

#: How a kind's rows are stored, when not as first written; it is part of the data set's
#: digest, so `medcode import defaults` rebuilds a bundled data set stored the old way.
LAYOUTS = {
    MSDRG_CC: "msdrg-cc 2: level rows carry discharged_alive_only (table 6K part 2)",
}

#: The code systems whose answers each kind feeds (announced with its releases, so caches
#: of other systems' pages are left alone).
PROCEDURE_SYSTEMS = ("cpt", "hcpcs")
SYSTEMS = {
    PFS_RVU: PROCEDURE_SYSTEMS,
    NCCI_AOC: PROCEDURE_SYSTEMS,
    MSDRG_CC: ("icd10cm",),
    GEMS: ("icd10cm", "icd10pcs"),
    **{kind: PROCEDURE_SYSTEMS for kind in PTP_SETTINGS.values()},
    **{kind: PROCEDURE_SYSTEMS for kind in MUE_SETTINGS.values()},
    **{kind: ("icd10cm",) for kind in ALPHABETIC_INDEXES.values()},
}

#: Sentences for answers given without a data set, naming the import that provides it.
MISSING = {
    PFS_RVU: "no Medicare Physician Fee Schedule (PFS RVU) file is loaded in this installation; "
    "an operator imports one with `medcode import pfs-rvu FILE`",
    MSDRG_CC: "no MS-DRG CC/MCC tables are loaded in this installation",
    GEMS: "no GEMs crosswalk is loaded in this installation",
    NCCI_AOC: "no NCCI add-on code edits are loaded in this installation; an operator "
    "imports them with `medcode import ncci-aoc FILE`",
    **{
        kind: f"no NCCI PTP edits ({setting}) are loaded in this installation; an operator "
        f"imports them with `medcode import ncci-ptp FILE --setting {setting}`"
        for setting, kind in PTP_SETTINGS.items()
    },
    **{
        kind: f"no ICD-10-CM {name} is loaded in this installation; an operator imports the "
        "CDC XML file with `medcode import icd10cm-index FILE`"
        for name, kind in ALPHABETIC_INDEXES.items()
    },
    **{
        kind: f"no MUE table ({setting.replace('_', ' ')}) is loaded in this installation; "
        "an operator imports one with `medcode import mue FILE`"
        for setting, kind in MUE_SETTINGS.items()
    },
}


def payload(record: Any, *, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A dataclass record as a JSON-ready dict (dates ISO, decimals as text)."""
    out: dict[str, Any] = {}
    skip = set(drop)
    for field in dataclasses.fields(record):
        if field.name in skip:
            continue
        value = getattr(record, field.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[field.name] = value
    return out


def rvu_rows(records: Iterable[Any]) -> Iterator[Row]:
    """PFS rows keyed by code and modifier."""
    for record in records:
        yield record.code, record.modifier, payload(record, drop=("code",))


def ptp_rows(edits: Iterable[Any]) -> Iterator[Row]:
    """PTP edits keyed by column 1 and column 2."""
    for edit in edits:
        yield edit.column1, edit.column2, payload(edit, drop=("column1", "column2"))


def mue_rows(records: Iterable[Any]) -> Iterator[Row]:
    """MUE values keyed by code."""
    for record in records:
        yield record.code, "", payload(record, drop=("code",))


def gem_rows(mappings: Iterable[Any]) -> Iterator[Row]:
    """GEM rows keyed by "system:source" and "system:target" (for reverse lookups)."""
    for mapping in mappings:
        key = f"{mapping.source_system}:{mapping.source}"
        key2 = f"{mapping.target_system}:{mapping.target}" if mapping.target else ""
        yield key, key2, payload(mapping)


def aoc_rows(edits: Iterable[Any]) -> Iterator[Row]:
    """Add-on code edits keyed by add-on code and primary code."""
    for edit in edits:
        yield edit.add_on, edit.primary, payload(edit, drop=("add_on",))


def index_rows(entries: Iterable[Any]) -> Iterator[Row]:
    """Alphabetic index lines keyed by the code they lead to (key2 unused)."""
    for entry in entries:
        yield entry.code, "", payload(entry, drop=("code", "index"))
