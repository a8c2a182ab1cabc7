"""Checks of request fields that are not emails or passwords."""

from __future__ import annotations

import ipaddress
import re
import uuid

from medcode_accounts.errors import InvalidInput

MAX_GUEST_ID_LENGTH = 128
_GUEST_ID = re.compile(r"[A-Za-z0-9._:-]+")


def parse_user_id(raw: str, *, field: str = "user_id") -> uuid.UUID:
    """A user id is a UUID; anything else cannot name a user."""
    if not raw:
        raise InvalidInput(f"{field} is required")
    if len(raw) > 36:
        raise InvalidInput(f"{field} is not a valid user id")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidInput(f"{field} is not a valid user id") from None


def check_client_ip(raw: str) -> str:
    """Canonical text of an IPv4/IPv6 address, or "" when the caller sent none."""
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        raise InvalidInput(f"client_ip {raw[:64]!r} is not an IP address") from None


def check_guest_id(raw: str) -> str:
    """Guest ids come from the gateway's cookie: short, printable, no spaces."""
    if not raw:
        return ""
    if len(raw) > MAX_GUEST_ID_LENGTH:
        raise InvalidInput(f"guest_id is longer than {MAX_GUEST_ID_LENGTH} characters")
    if not _GUEST_ID.fullmatch(raw):
        raise InvalidInput("guest_id may contain only letters, digits and . _ : -")
    return raw
