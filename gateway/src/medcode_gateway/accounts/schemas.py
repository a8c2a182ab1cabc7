"""Request and response shapes of the account endpoints (documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from medcode_gateway.core.schemas import Out


class CredentialsIn(BaseModel):
    """Email and password; the accounts service applies the rules and says what is wrong."""

    email: str = Field(min_length=1, max_length=320, examples=["coder@example.org"])
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse battery"])


class SignUpOut(Out):
    """A sign-up in progress: the same answer whether or not the address has an account."""

    status: str = Field(description="Always confirmation_sent.", examples=["confirmation_sent"])
    message: str = Field(description="What to do next, for people.")
    confirm_within_seconds: int = Field(description="How long the mailed link works.")


class RefreshIn(BaseModel):
    """A refresh token; browsers may omit it and send the refresh cookie instead."""

    refresh_token: str | None = Field(default=None, max_length=512)


class UserOut(Out):
    """A MedCode account."""

    user_id: str
    email: str
    plan: str = Field(description="free, pro, partner or internal")
    created_at: datetime | None = None


class ConfirmedOut(Out):
    """A confirmed email: the account exists now; sign in to use it."""

    status: str = Field(description="Always confirmed.", examples=["confirmed"])
    user: UserOut
    message: str = Field(description="What to do next, for people.")


class SessionOut(Out):
    """A signed-in session: a short-lived access token and a single-use refresh token."""

    user: UserOut
    access_token: str
    token_type: str = "Bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_expires_in: int


class ApiKeyIn(BaseModel):
    """A new partner API key."""

    name: str = Field(default="", max_length=100)


class ApiKeyOut(Out):
    """A partner API key, without its secret."""

    key_id: str
    prefix: str
    name: str
    plan: str
    monthly_quota: int
    rate_per_second: float
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked: bool


class ApiKeyCreatedOut(ApiKeyOut):
    """A new key: `secret` is the full key, shown this once and never again."""

    secret: str
