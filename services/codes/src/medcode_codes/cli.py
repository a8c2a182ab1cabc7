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

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.normalize import MalformedCode, normalize_code, parse_system
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.releases import ReleaseCatalog, ReleaseNotFound
from medcode_common.logs import configure_logging


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else CodesSettings().data_dir


def _cmd_import(args: argparse.Namespace) -> int:
    if args.kind != "defaults":
        sys.stderr.write(f"unknown import kind {args.kind!r}; available: defaults\n")
        return 2
    for path in import_defaults(_data_dir(args), force=args.force):
        sys.stdout.write(f"{path}\n")
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
    importer.add_argument("kind", help="what to import: defaults (ICD-10-CM and ICD-10-PCS)")
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
