"""Operator commands: `medcode accounts create-key|list-keys|revoke-key|set-plan|confirm-email`.

They act on the database directly (the same one the service uses, from MEDCODE_ACCOUNTS_*),
so an operator can mint the first internal key before anything else is running. A revocation
is written with its ApiKeyRevoked event; the running service publishes it within its outbox
poll, and every gateway drops the key then.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
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


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def _cmd_list_keys(args: argparse.Namespace) -> int:
    backend = open_backend(_settings(args))
    try:
        keys = backend.keys.list_all()
    finally:
        backend.close()
    if args.operator:
        keys = [(key, owner) for key, owner in keys if key.owner_user_id is None]
    columns = ("KEY ID", "PLAN", "OWNER", "NAME", "CALLS/MONTH", "PER S", "CREATED", "LAST USED")
    lines = ["\t".join((*columns, "STATUS"))]
    for key, owner in keys:
        fields = (
            key.key_id, key.plan, owner or "(operator)", key.name or "-", str(key.monthly_quota),
            f"{key.rate_per_second:g}", _when(key.created_at), _when(key.last_used_at),
            f"revoked {_when(key.revoked_at)}" if key.revoked_at else "live",
        )  # fmt: skip
        lines.append("\t".join(fields))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _cmd_revoke_key(args: argparse.Namespace) -> int:
    backend = open_backend(_settings(args))
    try:
        key = backend.keys.revoke(owner_user_id="", key_id=args.key_id)
    except AccountsError as error:
        sys.stderr.write(f"no key revoked: {error}\n")
        return 2
    finally:
        backend.close()
    sys.stdout.write(
        f"key {key.key_id} ({key.plan}, {key.name or 'no name'}) revoked at "
        f"{_when(key.revoked_at)} UTC; gateways stop accepting it as soon as the accounts "
        "service publishes the revocation\n"
    )
    return 0


def _cmd_confirm_email(args: argparse.Namespace) -> int:
    backend = open_backend(_settings(args))
    try:
        user = backend.accounts.signups.confirm_address(email=args.email)
    except AccountsError as error:
        sys.stderr.write(f"nothing confirmed: {error}\n")
        return 2
    finally:
        backend.close()
    sys.stdout.write(f"{user.email} ({user.id}) is confirmed: a free account that can sign in\n")
    return 0


def register(commands: Any) -> None:
    """Add the `accounts` commands to an argparse sub-parsers object."""
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
    list_keys = sub.add_parser("list-keys", help="every API key: owner, limits, use, status")
    list_keys.add_argument("--operator", action="store_true", help="only keys with no owner")
    list_keys.set_defaults(handler=_cmd_list_keys)
    revoke = sub.add_parser("revoke-key", help="revoke any API key (operator keys included)")
    revoke.add_argument("key_id", help="the <id> of mc_live_<id>_<secret>, as list-keys shows")
    revoke.set_defaults(handler=_cmd_revoke_key)
    confirm = sub.add_parser(
        "confirm-email", help="confirm a sign-up whose mail never arrived (makes the account)"
    )
    confirm.add_argument("email")
    confirm.set_defaults(handler=_cmd_confirm_email)
    for parser in (create, set_plan, list_keys, revoke, confirm):
        parser.add_argument("--database-url", help="default $MEDCODE_ACCOUNTS_DATABASE_URL")
        parser.add_argument("--data-dir", help="default $MEDCODE_ACCOUNTS_DATA_DIR")
