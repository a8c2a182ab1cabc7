"""Search service configuration, from MEDCODE_SEARCH_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import GrpcServiceSettings

DEFAULT_PORT = 50052


class SearchSettings(GrpcServiceSettings):
    """Where the search service listens, where its index lives, where the codes service is."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_SEARCH_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    index_dir: Path = Field(default=Path("var/search"), description="tantivy index folders.")
    codes_addr: str = Field(default="127.0.0.1:50051", description="host:port of codes.")
    export_timeout_seconds: float = Field(default=600.0, gt=0)
    refresh_seconds: float = Field(
        default=60.0, gt=0, description="How often to check the codes service for new releases."
    )
