"""Response shapes of the metering endpoints (documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from medcode_gateway.core.schemas import Out


class ViewPolicyOut(Out):
    """Code-page view allowances, as metering is configured."""

    guest_views: int = Field(description="Views a guest gets per month.")
    free_extra_views: int = Field(description="Views a free account gets on top, per month.")
    guest_ip_daily_cap: int = Field(description="Guest views per client network per day.")


class MeterOut(Out):
    """What the caller has left: code-page views (guests, users) or API quota (keys)."""

    subject_type: str = Field(description="guest, user or api_key")
    plan: str
    unlimited: bool
    remaining: int | None = None
    limit: int | None = None
    resets_at: datetime | None = None
    policy: ViewPolicyOut | None = Field(
        default=None, description="The allowances in force (view-metered plans only)."
    )
    message: str | None = Field(
        default=None,
        description="What to tell a person, e.g. 'No views left this month. Guest accounts are "
        "limited to 1 page view. Register free account to get 5 more views.'",
    )
