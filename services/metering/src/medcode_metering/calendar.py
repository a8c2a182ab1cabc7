"""Calendar-month and day boundaries (UTC) for allowances, computed in one place."""

from __future__ import annotations

from datetime import UTC, datetime


def month_of(now: float) -> str:
    """The UTC calendar month id (YYYYMM) that `now` falls in."""
    dt = datetime.fromtimestamp(now, UTC)
    return f"{dt.year:04d}{dt.month:02d}"


def next_month_start(now: float) -> datetime:
    """When the month of `now` ends: allowances and quotas reset then."""
    dt = datetime.fromtimestamp(now, UTC)
    year, month = (dt.year + 1, 1) if dt.month == 12 else (dt.year, dt.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def seconds_to_month_end(now: float) -> float:
    """Seconds from `now` until the next month starts."""
    return next_month_start(now).timestamp() - now


def day_of(now: float) -> str:
    """The UTC day id (YYYYMMDD) of `now`: per-IP guest caps reset daily."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y%m%d")
