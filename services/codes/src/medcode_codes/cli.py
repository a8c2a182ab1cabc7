"""Command line of the codes service: `medcode-codes` and the `medcode` plugin commands.

`medcode import defaults`, `medcode releases` and `medcode lookup` are contributed to the
operator CLI through the ``medcode.commands`` entry point.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from medcode_codes.importers import operator
from medcode_codes.importers.defaults import import_defaults
from medcode_codes.importers.records import ImportFormatError
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.releases import ReleaseCatalog, ReleaseNotFound
from medcode_common.codesystems import MalformedCode, normalize_code, parse_system
from medcode_common.logs import configure_logging


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else CodesSettings().data_dir


IMPORT_KINDS = (
    "defaults",
    "hcpcs",
    "pfs-rvu",
    "ncci-ptp",
    "ncci-aoc",
    "mue",
    "cpt",
    "icd10cm-index",
)


def _run_import(args: argparse.Namespace, data_dir: Path) -> list[Path]:
    if args.kind == "defaults":
        return import_defaults(data_dir, force=args.force)
    if args.file is None:
        raise ValueError(f"`medcode import {args.kind}` needs the FILE to import")
    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    if args.kind == "hcpcs":
        return [operator.import_hcpcs(data_dir, path, release=args.release)]
    if args.kind == "pfs-rvu":
        return [operator.import_pfs_rvu(data_dir, path, release=args.release)]
    if args.kind == "ncci-ptp":
        return [
            operator.import_ncci_ptp(data_dir, path, setting=args.setting, release=args.release)
        ]
    if args.kind == "icd10cm-index":
        return [operator.import_icd10cm_index(data_dir, path, release=args.release)]
    if args.kind == "ncci-aoc":
        return [operator.import_aoc(data_dir, path, release=args.release)]
    if args.kind == "cpt":
        if not args.release:
            raise ValueError("`medcode import cpt` needs --release (e.g. 2026) for a licensed file")
        return [operator.import_cpt(data_dir, [path], release=args.release)]
    if not args.release:
        raise ValueError("`medcode import mue` needs --release (the table's effective date)")
    return [operator.import_mue(data_dir, path, release=args.release)]


def _cmd_import(args: argparse.Namespace) -> int:
    try:
        written = _run_import(args, _data_dir(args))
    except (ImportFormatError, ValueError) as error:
        sys.stderr.write(f"import failed, nothing changed: {error}\n")
        return 2
    for path in written:
        sys.stdout.write(f"{path}\n")
    reload_seconds = CodesSettings().reload_seconds
    if reload_seconds > 0:
        sys.stderr.write(
            f"a running codes service serves new releases within {reload_seconds:g}s\n"
        )
    return 0


def _cmd_releases(args: argparse.Namespace) -> int:
    for snapshot in ReleaseCatalog.open_dir(_data_dir(args)).all():
        meta = snapshot.meta
        sys.stdout.write(
            f"{meta.system:<9} {meta.release:<11} effective {meta.effective_date}  "
            f"{meta.code_count:>7} nodes  {meta.billable_count:>7} billable  ({meta.source})\n"
        )
    return 0


def _cmd_lookup(args: argparse.Namespace) -> int:
    try:
        system = parse_system(args.system)
        code = normalize_code(system, args.code)
        snapshot = ReleaseCatalog.open_dir(_data_dir(args)).select(
            system, release=args.release or ""
        )
    except (ValueError, MalformedCode, ReleaseNotFound) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    record = snapshot.record(code)
    if record is None:
        sys.stderr.write(
            f"{code} is not {system.a_label} code in release {snapshot.meta.release}\n"
        )
        return 1
    out: dict[str, Any] = {
        "code": record.node.code,
        "title": record.node.title,
        "billable": record.node.billable,
        "release": snapshot.meta.release,
        "ancestors": [f"{a.code} {a.title}" for a in record.ancestors],
        "notes": [f"{n.type} [{n.source_code}]: {n.text}" for n in record.notes],
    }
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", help="snapshot folder (default $MEDCODE_CODES_DATA_DIR or ./var)"
    )


def register(commands: Any) -> None:
    """Add the codes commands to an argparse sub-parsers object."""
    importer = commands.add_parser("import", help="build code-set snapshots")
    importer.add_argument("kind", choices=IMPORT_KINDS, help="what to import")
    importer.add_argument("file", nargs="?", help="the official file (not for defaults)")
    importer.add_argument(
        "--release", help="release name, e.g. 2026-01-01 (default: from the file)"
    )
    importer.add_argument(
        "--setting",
        choices=("practitioner", "hospital"),
        default="practitioner",
        help="NCCI PTP table (ncci-ptp only)",
    )
    importer.add_argument("--force", action="store_true", help="rebuild even if up to date")
    _add_data_dir(importer)
    importer.set_defaults(handler=_cmd_import)
    releases = commands.add_parser("releases", help="list the snapshots on disk")
    _add_data_dir(releases)
    releases.set_defaults(handler=_cmd_releases)
    lookup = commands.add_parser("lookup", help="show one code from the snapshots on disk")
    lookup.add_argument("system", help="icd10cm, icd10pcs, hcpcs or cpt")
    lookup.add_argument("code")
    lookup.add_argument("--release", help="release name (default: newest)")
    _add_data_dir(lookup)
    lookup.set_defaults(handler=_cmd_lookup)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `medcode-codes` (`serve`, plus the operator commands above)."""
    parser = argparse.ArgumentParser(prog="medcode-codes", description="MedCode codes service")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="run the gRPC server").set_defaults(handler=None)
    register(commands)
    args = parser.parse_args(argv)
    configure_logging()
    if args.handler is None:
        from medcode_codes.server import main as serve_main

        serve_main()
        return 0
    return int(args.handler(args))
