"""Assistant service configuration, from MEDCODE_ASSISTANT_* environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings

DEFAULT_PORT = 50055
DEFAULT_METRICS_PORT = 9105


class AssistantSettings(GrpcServiceSettings):
    """Where CasePilot listens, which services it reads, and its optional generation endpoint."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_ASSISTANT_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    metrics_port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=0, le=65535, description=METRICS_PORT_HELP
    )
    codes_addr: str = Field(
        default="127.0.0.1:50051", description="host:port of the codes service it reads."
    )
    search_addr: str = Field(
        default="127.0.0.1:50052", description="host:port of the search service it reads."
    )
    rpc_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Deadline of each call to the codes or search service."
    )
    conversation_ttl_seconds: float = Field(
        default=1800.0, gt=0, description="How long an idle conversation is remembered."
    )
    conversation_max: int = Field(
        default=10_000, ge=1, description="Conversations remembered at once; the oldest go first."
    )
    llm_url: str = Field(
        default="",
        description="OpenAI-compatible base URL (…/v1) that may rephrase grounded answers; "
        "empty turns generation off.",
    )
    llm_model: str = Field(default="", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr = Field(
        default=SecretStr(""), description="Bearer key for the endpoint, if it needs one."
    )
    llm_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of one generation call; on expiry the grounded answer is sent as is.",
    )
