"""Edit and crosswalk replies to JSON (the shared data-set rows come from `codes.render`)."""

from __future__ import annotations

from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.codes.render import dataset_status, fields, gem, mue

__all__ = ["dataset_status", "gem", "mue", "ptp"]


def ptp(message: pb.CheckPtpEditsResponse) -> dict[str, Any]:
    """A PtpCheckOut."""
    return {
        "release": message.release,
        "setting": message.setting,
        "date": message.date,
        "pairs": [fields(p) for p in message.pairs],
    }
