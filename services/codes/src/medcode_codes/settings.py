"""Codes service configuration, from MEDCODE_CODES_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings

DEFAULT_PORT = 50051
DEFAULT_METRICS_PORT = 9101


class CodesSettings(GrpcServiceSettings):
    """Where the codes service listens and where its snapshots are."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_CODES_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    metrics_port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=0, le=65535, description=METRICS_PORT_HELP
    )
    data_dir: Path = Field(
        default=Path("var"), description="Holds snapshots/<system>/<release>.sqlite."
    )
    max_batch: int = Field(default=1000, ge=1, description="Most codes per batch/validate call.")
    reload_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often to look for newly imported releases (0: only at start).",
    )
    events: bool = Field(
        default=True, description="Publish ReleasePublished on the event bus (best effort)."
    )
