"""Response shapes of the metering endpoints (documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from medcode_gateway.core.schemas import Out


class MeterOut(Out):
    """What the caller has left: code-page views (guests, users) or API quota (keys)."""

    subject_type: str = Field(description="guest, user or api_key")
    plan: str
    unlimited: bool
    remaining: int | None = None
    limit: int | None = None
    resets_at: datetime | None = None
