"""Gateway configuration, from MEDCODE_GATEWAY_* environment variables."""

from __future__ import annotations

import os

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from medcode_gateway.core.client_address import TrustedProxies

DEFAULT_PORT = 8000
#: Replaced by MEDCODE_GATEWAY_TRUSTED_PROXIES: a hop count believed whatever the last hop wrote.
RETIRED_HOPS_VARIABLE = "MEDCODE_GATEWAY_TRUSTED_PROXY_HOPS"


class GatewaySettings(BaseSettings):
    """Where the gateway listens and where the services it calls are."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_GATEWAY_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to bind; 0.0.0.0 in containers.")
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description="HTTP port.")
    codes_addr: str = Field(
        default="127.0.0.1:50051", description="host:port of the codes service."
    )
    search_addr: str = Field(
        default="127.0.0.1:50052", description="host:port of the search service."
    )
    accounts_addr: str = Field(
        default="127.0.0.1:50054", description="host:port of the accounts service."
    )
    metering_addr: str = Field(
        default="127.0.0.1:50053", description="host:port of the metering service."
    )
    assistant_addr: str = Field(
        default="127.0.0.1:50055", description="host:port of the assistant service (CasePilot)."
    )
    assistant_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of CasePilot calls (an answer may need several lookups, or "
        "the optional rephrasing endpoint).",
    )
    public_url: str = Field(
        default="",
        description="The site's public base URL (e.g. https://medcode.example.org): canonical "
        "links and sitemap URLs are built from it. Empty: the address each request came to.",
    )
    cookie_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs guest cookies; every replica needs the same one. "
        "Unset: a random key per process (guest ids then reset when the gateway restarts).",
    )
    cookie_secure: bool = Field(
        default=True, description="Mark cookies Secure (browsers keep them on https and localhost)."
    )
    api_key_cache_seconds: float = Field(
        default=30.0, ge=0, description="How long a verified API key is trusted without re-asking."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated CIDRs of the proxies (ingress, load balancer) whose "
        "X-Forwarded-For is believed, read right to left; empty: the direct peer is the client.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=0,
        description="Largest request body accepted; a larger one is answered 413 before it is "
        "read (a declared Content-Length at once, a chunked body as soon as it passes this).",
    )
    rpc_timeout_seconds: float = Field(
        default=2.0, gt=0, description="Deadline of every gRPC call."
    )
    auth_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of sign-up and sign-in calls: password hashing is slow on purpose.",
    )
    readiness_timeout_seconds: float = Field(
        default=1.0, gt=0, description="Deadline of each service's health check in /readyz."
    )
    cache_ttl_seconds: float = Field(
        default=300.0, ge=0, description="How long a rendered lookup is reused; 0 turns it off."
    )
    search_cache_ttl_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long a search/suggest answer is reused (type-ahead repeats); 0 = off.",
    )
    cache_max_entries: int = Field(default=50_000, ge=0, description="Lookup cache bound.")
    workers: int = Field(default=1, ge=1, description="uvicorn worker processes.")
    events: bool = Field(
        default=True,
        description="Clear cached answers when release.published says the codes service "
        "serves new or corrected data (the event bus is MEDCODE_EVENTS_*).",
    )
    events_group: str = Field(
        default="",
        description="Consumer group for release.published; empty: one per process "
        "(gateway-cache-<host>-<pid>), as every replica must clear its own cache.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        """Fail at start-up on a typo rather than silently trusting nobody (or everybody)."""
        return str(TrustedProxies.parse(value))

    @model_validator(mode="after")
    def _no_retired_hop_count(self) -> GatewaySettings:
        """A deployment still setting the hop count would quietly see its proxy as every client."""
        if RETIRED_HOPS_VARIABLE in os.environ:
            raise ValueError(
                f"{RETIRED_HOPS_VARIABLE} is no longer read: list the proxies' networks in "
                "MEDCODE_GATEWAY_TRUSTED_PROXIES (e.g. 10.0.0.0/8) and remove it"
            )
        return self
