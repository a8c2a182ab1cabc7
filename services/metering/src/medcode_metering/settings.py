"""Metering service configuration, from MEDCODE_METERING_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings
from medcode_common.store_security import redis_tls_options

DEFAULT_PORT = 50053
DEFAULT_METRICS_PORT = 9103
DEFAULT_VALKEY_PORT = 6390


class MeteringSettings(GrpcServiceSettings):
    """Where metering listens, where its Redis is, and the allowances it grants."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_METERING_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    metrics_port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=0, le=65535, description=METRICS_PORT_HELP
    )
    max_workers_hint: int = Field(
        default=4096,
        ge=1,
        description="Concurrent RPCs before RESOURCE_EXHAUSTED; every gateway replica calls "
        "on each page view, and the script batcher absorbs bursts.",
    )
    redis_url: str = Field(
        default=f"redis://127.0.0.1:{DEFAULT_VALKEY_PORT}/0",
        description="Valkey/Redis holding the counters; the default is the embedded Valkey. "
        "Production: rediss://:<password>@host:6379/0 (TLS and a password).",
    )
    redis_ca_file: Path | None = Field(
        default=None,
        description="CA certificate(s) (PEM) that signed the Redis server's certificate "
        "(needs a rediss:// URL); unset: the system's CAs.",
    )
    redis_timeout_seconds: float = Field(
        default=2.0, gt=0, description="Connect, command and pool-wait timeout of each call."
    )
    redis_max_connections: int = Field(default=32, ge=1, description="Connection pool size.")
    guest_views: int = Field(default=1, ge=0, description="Views a guest gets per month.")
    free_views: int = Field(
        default=5, ge=0, description="Views a free account gets per month on top of guest_views."
    )
    guest_ip_daily_cap: int = Field(
        default=10,
        ge=0,
        description="Guest views per client IP (IPv6: per /64) per UTC day, across guest ids.",
    )
    guest_questions: int = Field(
        default=3,
        ge=0,
        description="CasePilot questions a guest gets per month; 0: guests register to ask.",
    )
    free_questions: int = Field(
        default=20, ge=0, description="CasePilot questions a free account gets per month."
    )
    guest_question_ip_daily_cap: int = Field(
        default=10,
        ge=0,
        description="Guest CasePilot questions per client IP (IPv6: per /64) per UTC day.",
    )
    events_enabled: bool = Field(
        default=True, description="Publish ViewConsumed and consume UserRegistered."
    )
    event_queue_size: int = Field(
        default=10_000, ge=1, description="ViewConsumed events waiting to publish; extra dropped."
    )

    @model_validator(mode="after")
    def _tls_is_consistent(self) -> MeteringSettings:
        """A CA file with a plain redis:// URL is refused at start, not silently ignored."""
        self.redis_options()
        return self

    def redis_options(self) -> dict[str, Any]:
        """redis-py keyword arguments for `redis_url` (TLS verification)."""
        return redis_tls_options(self.redis_url, self.redis_ca_file)
