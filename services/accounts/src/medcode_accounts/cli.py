"""Operator commands `medcode accounts create-key` and `medcode accounts set-plan`.

Both act on the database directly (the same one the service uses, from MEDCODE_ACCOUNTS_*),
so an operator can mint the first internal key before anything else is running.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from medcode_accounts.bootstrap import open_backend
from medcode_accounts.errors import AccountsError
from medcode_accounts.plans import KEY_PLANS, USER_PLANS
from medcode_accounts.settings import AccountsSettings


def _settings(args: argparse.Namespace) -> AccountsSettings:
    overrides: dict[str, Any] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    return AccountsSettings(**overrides)


def _cmd_create_key(args: argparse.Namespace) -> int:
    backend = open_backend(_settings(args))
    try:
        key, secret = backend.keys.create(
            owner_user_id="", name=args.name, plan=args.plan, monthly_quota=args.quota,
            rate=args.rps,
        )  # fmt: skip
    except AccountsError as error:
        sys.stderr.write(f"no key created: {error}\n")
        return 2
    finally:
        backend.close()
    sys.stdout.write(
        f"{secret}\n"
        f"# key id {key.key_id}, plan {key.plan}, {key.monthly_quota} calls/month, "
        f"{key.rate_per_second:g}/s. Shown once: store it now, it cannot be shown again.\n"
    )
    return 0


def _cmd_set_plan(args: argparse.Namespace) -> int:
    backend = open_backend(_settings(args))
    try:
        user, revoked = backend.accounts.set_plan(email=args.email, plan=args.plan)
    except AccountsError as error:
        sys.stderr.write(f"plan not changed: {error}\n")
        return 2
    finally:
        backend.close()
    note = f"; {revoked} API key(s) revoked (the plan has no API access)" if revoked else ""
    sys.stdout.write(f"{user.email} ({user.id}) is now on the {user.plan} plan{note}\n")
    return 0


def register(commands: Any) -> None:
    """Add `accounts create-key` and `accounts set-plan` to an argparse sub-parsers object."""
    accounts = commands.add_parser("accounts", help="manage accounts and API keys")
    sub = accounts.add_subparsers(dest="accounts_command", required=True, metavar="ACTION")
    create = sub.add_parser("create-key", help="create an operator API key (printed once)")
    create.add_argument("--plan", required=True, choices=KEY_PLANS)
    create.add_argument("--name", default="", help="label, up to 100 characters")
    create.add_argument("--quota", type=int, default=0, help="calls per month (default: plan's)")
    create.add_argument("--rps", type=float, default=0.0, help="calls per second (default: plan's)")
    create.set_defaults(handler=_cmd_create_key)
    set_plan = sub.add_parser("set-plan", help="move a user to another plan")
    set_plan.add_argument("email")
    set_plan.add_argument("plan", choices=USER_PLANS)
    set_plan.set_defaults(handler=_cmd_set_plan)
    for parser in (create, set_plan):
        parser.add_argument("--database-url", help="default $MEDCODE_ACCOUNTS_DATABASE_URL")
        parser.add_argument("--data-dir", help="default $MEDCODE_ACCOUNTS_DATA_DIR")
