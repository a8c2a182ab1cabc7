"""The `medcode` operator command: `run`, `status`, and commands contributed by services.

Service packages add subcommands through the ``medcode.commands`` entry-point group (a
callable that receives the argparse sub-parsers), so this library never imports them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path

from medcode_common.health_probe import launch_ready
from medcode_common.launch import wanted_launches
from medcode_common.logs import configure_logging
from medcode_common.runner import run_platform
from medcode_common.service_auth import IDENTITIES, create_keys


def _cmd_run(_args: argparse.Namespace) -> int:
    return run_platform()


def _cmd_status(_args: argparse.Namespace) -> int:
    """Print one line per installed service: its address and whether it answers."""
    all_up = True
    for launch in wanted_launches(os.environ):
        address = f"127.0.0.1:{os.environ.get(launch.port_env) or launch.default_port}"
        up = launch_ready(launch, address)
        all_up &= up
        sys.stdout.write(f"{launch.name:<10} {address:<21} {'ready' if up else 'DOWN'}\n")
    return 0 if all_up else 1


def _cmd_keys(args: argparse.Namespace) -> int:
    """Create the missing service key pairs in a folder (for Kubernetes Secrets, say)."""
    folder = Path(args.dir)
    created = create_keys(folder, tuple(args.identity or IDENTITIES))
    sys.stdout.write(
        f"{len(created)} key pair(s) created in {folder}: {', '.join(created) or 'none'}\n"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every installed plugin's subcommands."""
    parser = argparse.ArgumentParser(prog="medcode", description="MedCode operator CLI")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING, ...")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="start the whole platform on loopback").set_defaults(
        handler=_cmd_run
    )
    commands.add_parser("status", help="show whether each service answers").set_defaults(
        handler=_cmd_status
    )
    keys = commands.add_parser(
        "service-keys", help="create service identity key pairs (kept if they exist)"
    )
    keys.add_argument("--dir", default="var/pki", help="folder for the keys (default var/pki)")
    keys.add_argument(
        "--identity", action="append", choices=IDENTITIES, help="only these (repeatable)"
    )
    keys.set_defaults(handler=_cmd_keys)
    for ep in sorted(entry_points(group="medcode.commands"), key=lambda ep: ep.name):
        ep.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medcode` console script."""
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
