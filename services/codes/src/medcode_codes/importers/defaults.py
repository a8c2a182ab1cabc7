"""Build the default snapshots (ICD-10-CM and ICD-10-PCS) from the PyPI data packages.

Idempotent: a snapshot whose source files are unchanged is not rebuilt, so `make run`
after the first time is ready in seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from medcode_codes.importers import bundled, cpt, icd10cm, icd10pcs
from medcode_codes.importers.provenance import SNAPSHOT_LAYOUT, digest, snapshot_up_to_date
from medcode_codes.importers.records import NodeRecord, ReleaseInfo
from medcode_codes.snapshot.writer import snapshot_path, write_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DefaultSource:
    """One default code set: its files, its release identity and its parser."""

    files: Sequence[Path]
    info: ReleaseInfo
    parse: Callable[[], Iterable[NodeRecord]]


def _starter_path() -> Path:
    """The shipped CPT starter file (MedCode's own descriptions), as a real path."""
    return Path(str(resources.files("medcode_codes.data").joinpath("cpt_starter.tsv")))


def default_sources() -> list[DefaultSource]:
    """The code sets that install with MedCode."""
    tabular = icd10cm.default_tabular_path()
    starter_info = cpt.release_info()

    def starter_nodes() -> Iterable[NodeRecord]:
        return cpt.to_nodes(cpt.starter_set(), None, release=starter_info.release)

    pcs = icd10pcs.default_sources()
    return [
        DefaultSource(
            [tabular], icd10cm.release_info(tabular), lambda: icd10cm.parse_tabular(tabular)
        ),
        DefaultSource(
            [pcs.csv_path, pcs.db_path], icd10pcs.release_info(pcs), lambda: icd10pcs.parse_pcs(pcs)
        ),
        DefaultSource([_starter_path()], starter_info, starter_nodes),
    ]


def import_defaults(data_dir: Path, *, force: bool = False) -> list[Path]:
    """Build every default snapshot and data set that is missing or stale; return their paths."""
    built = []
    for source in default_sources():
        path = snapshot_path(data_dir, system=source.info.system, release=source.info.release)
        source_digest = digest(source.files, layout=SNAPSHOT_LAYOUT)
        if not force and snapshot_up_to_date(path, source_digest):
            log.info("%s %s is up to date", source.info.system, source.info.release)
        else:
            path = write_snapshot(
                data_dir=data_dir,
                info=source.info,
                nodes=source.parse(),
                source_digest=source_digest,
            )
        built.append(path)
    built.extend(bundled.import_bundled_datasets(data_dir, force=force))
    return built
