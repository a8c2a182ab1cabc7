"""`medcode import <kind> FILE`: official CMS/AMA files into data sets and snapshots.

Every import is idempotent (the same file again is a no-op: same release, same digest) and
atomic (a malformed file fails with its line number before anything is replaced).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path

from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import Dataset, Row, dataset_path, write_dataset
from medcode_codes.importers import aoc, cpt, hcpcs, icd10cm_index, mue, ncci_ptp, pfs_rvu
from medcode_codes.importers.provenance import SNAPSHOT_LAYOUT, digest, snapshot_up_to_date
from medcode_codes.snapshot.writer import snapshot_path, write_snapshot

log = logging.getLogger(__name__)


def _up_to_date(path: Path, source_digest: str) -> bool:
    if not path.exists():
        return False
    dataset = Dataset(path)
    dataset.close()
    return dataset.meta.source_digest == source_digest


def _release_date(release: str, fallback: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(release)
    except ValueError:
        return fallback


def store(
    *,
    data_dir: Path,
    kind: str,
    release: str,
    effective_date: dt.date,
    source: str,
    files: Iterable[Path],
    rows: Iterable[Row],
    force: bool = False,
) -> Path:
    """Write a data-set release unless the same source files were already imported."""
    source_digest = digest(files, layout=kinds.LAYOUTS.get(kind, ""))
    path = dataset_path(data_dir, kind=kind, release=release)
    if not force and _up_to_date(path, source_digest):
        log.info("%s %s is up to date", kind, release)
        return path
    return write_dataset(
        data_dir=data_dir,
        kind=kind,
        release=release,
        effective_date=effective_date,
        source=source,
        source_digest=source_digest,
        rows=rows,
    )


def import_icd10cm_index(data_dir: Path, path: Path, *, release: str | None = None) -> Path:
    """One CDC ICD-10-CM index XML file (index, external causes, neoplasms or drugs) as its
    data set; the release defaults to the file's fiscal year ("FY2025", effective the
    October 1 before)."""
    parsed = icd10cm_index.parse_index(path)
    for skipped in parsed.skipped:
        log.warning("%s: skipped a pointer that is no code (%s)", path.name, skipped)
    if not release and not parsed.version.isdigit():
        raise ValueError(f"{path.name} has no <version> year; name the release with --release")
    name = release or f"FY{parsed.version}"
    start = dt.date(int(parsed.version) - 1, 10, 1) if parsed.version.isdigit() else None
    return store(
        data_dir=data_dir,
        kind=kinds.ALPHABETIC_INDEXES[parsed.index],
        release=name,
        effective_date=_release_date(name, start or dt.date.today()),
        source=f"CDC ICD-10-CM {parsed.index} XML ({path.name})",
        files=[path],
        rows=kinds.index_rows(parsed.entries),
    )


def import_pfs_rvu(data_dir: Path, path: Path, *, release: str | None = None) -> Path:
    """A PPRRVU file (fixed-width txt or csv) as the `pfs-rvu` data set."""
    name, effective, source = pfs_rvu.release_info(path)
    return store(
        data_dir=data_dir,
        kind=kinds.PFS_RVU,
        release=release or name,
        effective_date=effective,
        source=source,
        files=[path],
        rows=kinds.rvu_rows(pfs_rvu.parse_pprrvu(path)),
    )


def import_ncci_ptp(
    data_dir: Path, path: Path, *, setting: str, release: str | None = None
) -> Path:
    """An NCCI PTP edit file for one setting; the release defaults to its newest effective date."""
    if setting not in kinds.PTP_SETTINGS:
        raise ValueError(f"setting must be one of: {', '.join(kinds.PTP_SETTINGS)}")
    edits = list(ncci_ptp.parse_ptp(path))
    if not edits:
        raise ValueError(f"{path}: no PTP edits found")
    newest = max(edit.effective_date for edit in edits)
    name = release or newest.isoformat()
    return store(
        data_dir=data_dir,
        kind=kinds.PTP_SETTINGS[setting],
        release=name,
        effective_date=_release_date(name, newest),
        source=f"CMS NCCI PTP edits ({setting}), {path.name}",
        files=[path],
        rows=kinds.ptp_rows(edits),
    )


def import_aoc(data_dir: Path, path: Path, *, release: str | None = None) -> Path:
    """A CMS NCCI add-on code edit table; the release defaults to its newest effective date."""
    edits = list(aoc.parse_aoc(path))
    if not edits:
        raise ValueError(f"{path}: no add-on code edits found")
    newest = max(edit.effective_date for edit in edits)
    name = release or newest.isoformat()
    return store(
        data_dir=data_dir,
        kind=kinds.NCCI_AOC,
        release=name,
        effective_date=_release_date(name, newest),
        source=f"CMS NCCI add-on code edits, {path.name}",
        files=[path],
        rows=kinds.aoc_rows(edits),
    )


def import_mue(data_dir: Path, path: Path, *, release: str) -> Path:
    """A CMS MUE table; its setting (practitioner, outpatient hospital, DME) is read from it."""
    setting, records = mue.parse_mue(path)
    kind = kinds.MUE_SETTINGS[setting]
    return store(
        data_dir=data_dir,
        kind=kind,
        release=release,
        effective_date=_release_date(release, dt.date.today()),
        source=f"CMS MUE table ({setting.replace('_', ' ')}), {path.name}",
        files=[path],
        rows=kinds.mue_rows(records),
    )


def import_hcpcs(data_dir: Path, path: Path, *, release: str | None = None) -> Path:
    """A CMS HCPCS Level II ANWEB file as a `hcpcs` snapshot (codes and modifiers)."""
    effective = dt.date.fromisoformat(release) if release else None
    info = hcpcs.release_info(path, effective)
    source_digest = digest([path], layout=SNAPSHOT_LAYOUT)
    target = snapshot_path(data_dir, system=info.system, release=info.release)
    if snapshot_up_to_date(target, source_digest):
        log.info("hcpcs %s is up to date", info.release)
        return target
    nodes = hcpcs.to_nodes(hcpcs.parse_anweb(path), as_of=info.effective_date)
    return write_snapshot(data_dir=data_dir, info=info, nodes=nodes, source_digest=source_digest)


def import_cpt(data_dir: Path, paths: list[Path], *, release: str) -> Path:
    """Licensed AMA CPT descriptor files (LONGULT/MEDU/SHORTU or combined) over the starter set.

    The descriptors stay in the operator's data dir; MedCode never ships them.
    """
    info = cpt.release_info(paths, release=release)
    source_digest = digest(paths, layout=SNAPSHOT_LAYOUT)
    target = snapshot_path(data_dir, system=info.system, release=info.release)
    if snapshot_up_to_date(target, source_digest):
        log.info("cpt %s is up to date", info.release)
        return target
    licensed = cpt.load_licensed(paths)
    nodes = cpt.to_nodes(cpt.starter_set(), licensed, release=info.release)
    return write_snapshot(data_dir=data_dir, info=info, nodes=nodes, source_digest=source_digest)
