"""Settings shared by every gRPC service; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PORT_HELP = "TCP port of the gRPC server; 0 picks a free one."
METRICS_PORT_HELP = "Port of the Prometheus /metrics listener on `host`; 0 turns it off."


class GrpcServiceSettings(BaseSettings):
    """Where a gRPC service listens and how it shuts down.

    Subclasses set ``model_config = SettingsConfigDict(env_prefix="MEDCODE_<NAME>_")`` so that
    production can change any field through the environment alone.
    """

    model_config = SettingsConfigDict(env_prefix="MEDCODE_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="Interface to bind; 0.0.0.0 in containers.")
    port: int = Field(default=0, ge=0, le=65535, description=PORT_HELP)
    grace_seconds: float = Field(default=5.0, ge=0, description="Drain time on SIGTERM.")
    max_workers_hint: int = Field(default=64, ge=1, description="Max concurrent RPCs.")
    metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description=METRICS_PORT_HELP,
    )
