"""JSON log lines: one object per record, so collectors can filter by request id or status."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from medcode_common.request_ids import NO_REQUEST

#: Attributes every LogRecord has; anything else on a record came from `extra=` and is data.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def structured_extras(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a caller passed with `extra=` (method, code, duration_ms, route, status...)."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_FIELDS and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    """time, level, logger, message and request_id first, then the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        for key, value in structured_extras(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an extra that JSON cannot encode is written as text, never dropped.
        return json.dumps(entry, default=str, ensure_ascii=False)
