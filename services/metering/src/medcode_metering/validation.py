"""Request checks: every bad input is refused with a clear message before Redis is touched."""

from __future__ import annotations

import ipaddress
import math
import re

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode_common.plans import Plan, plan_from_proto

MAX_ID_LENGTH = 128
_ID = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: ids end up inside Redis keys
_SYSTEM = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,31}")
SUBJECT_TYPES = {pb.SUBJECT_TYPE_GUEST: "guest", pb.SUBJECT_TYPE_USER: "user"}
MAX_BURST = 1_000_000


class InvalidRequest(ValueError):
    """An input the caller must fix; becomes INVALID_ARGUMENT."""


def identifier(value: str, *, field: str) -> str:
    """A guest, user or key id: 1-128 printable ASCII characters without spaces."""
    if not value:
        raise InvalidRequest(f"{field} is required")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidRequest(f"{field} is longer than {MAX_ID_LENGTH} characters")
    if not _ID.fullmatch(value):
        raise InvalidRequest(f"{field} must be printable ASCII without spaces")
    return value


def subject(
    subject_type: int, subject_id: str, plan: int, legacy_plan: str = ""
) -> tuple[str, str, Plan]:
    """(type, id, plan) checked together: guests are on the guest plan, users never are.

    The plan is the enum field, or the deprecated text field from an older gateway."""
    kind = SUBJECT_TYPES.get(subject_type)
    if kind is None:
        raise InvalidRequest("subject_type must be SUBJECT_TYPE_GUEST or SUBJECT_TYPE_USER")
    identifier(subject_id, field="subject_id")
    try:
        chosen = plan_from_proto(plan, legacy_plan)
    except ValueError as error:
        raise InvalidRequest(str(error)) from None
    if chosen is None:
        raise InvalidRequest("plan is required (PLAN_GUEST for a guest)")
    if (kind == "guest") != (chosen is Plan.GUEST):
        raise InvalidRequest(f"a {kind} cannot be on the {chosen} plan")
    return kind, subject_id, chosen


def page(system: str, code: str) -> str:
    """The viewed page as `system:code`, so equal codes of two systems are distinct pages."""
    if not _SYSTEM.fullmatch(system):
        raise InvalidRequest("system must be a code system id such as 'icd10cm'")
    if not _CODE.fullmatch(code):
        raise InvalidRequest("code must be 1-32 letters, digits, '.' or '-'")
    return f"{system}:{code}"


def client_ip(value: str) -> str | None:
    """The IP the guest cap counts against: IPv4 as is, IPv6 by its /64 (one host's range)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise InvalidRequest(f"client_ip {value[:64]!r} is not an IP address") from None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def api_key_id(value: str) -> str:
    """A partner key id; no braces, which would break the key's Redis Cluster hash tag."""
    identifier(value, field="key_id")
    if "{" in value or "}" in value:
        raise InvalidRequest("key_id must not contain '{' or '}'")
    return value


def quota(monthly_quota: int, rate_per_second: float, burst: int) -> None:
    """Partner limits: quota >= 1, a finite rate > 0, burst 0 (= ceil(rate)) up to a million."""
    if monthly_quota < 1:
        raise InvalidRequest("monthly_quota must be at least 1")
    if not (math.isfinite(rate_per_second) and rate_per_second > 0):
        raise InvalidRequest("rate_per_second must be a finite number greater than 0")
    if not 0 <= burst <= MAX_BURST:
        raise InvalidRequest(f"burst must be between 0 and {MAX_BURST}")
