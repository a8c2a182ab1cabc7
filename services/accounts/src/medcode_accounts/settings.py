"""Accounts service configuration, from MEDCODE_ACCOUNTS_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings

DEFAULT_PORT = 50054
DEFAULT_METRICS_PORT = 9104
DAY = 86_400


class AccountsSettings(GrpcServiceSettings):
    """Where accounts listens and stores users, and the knobs of its security policy."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_ACCOUNTS_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    metrics_port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=0, le=65535, description=METRICS_PORT_HELP
    )
    data_dir: Path = Field(
        default=Path("var/accounts"), description="SQLite file, signing key and salt live here."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means sqlite:///<data_dir>/accounts.sqlite. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db.",
    )
    database_sslmode: Literal[
        "", "disable", "allow", "prefer", "require", "verify-ca", "verify-full"
    ] = Field(
        default="",
        description="PostgreSQL TLS (libpq sslmode); verify-full in production: encrypted and "
        "the server's certificate checked against database_sslrootcert and its host name. "
        "Empty: what the URL says (libpq's default, prefer).",
    )
    database_sslrootcert: Path | None = Field(
        default=None,
        description="CA certificate(s) (PEM) that signed the PostgreSQL server's certificate.",
    )
    signing_key_file: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM) that signs access tokens; "
        "default <data_dir>/signing_key.pem, generated on first start (0600).",
    )
    extra_jwks_key_files: list[Path] = Field(
        default_factory=list,
        description="More PEM keys (public or private) published in the JWKS but not used to "
        "sign: the previous key during a rotation.",
    )
    email_hash_salt: SecretStr = Field(
        default=SecretStr(""),
        description="Salt of the email hash on UserRegistered; empty: generated into data_dir.",
    )
    issuer: str = Field(default="medcode-accounts", min_length=1, description="JWT `iss`.")
    audience: str = Field(default="medcode", min_length=1, description="JWT `aud`.")
    access_ttl_seconds: int = Field(
        default=900, ge=30, le=DAY, description="Lifetime of an access token (JWT)."
    )
    refresh_ttl_seconds: int = Field(
        default=30 * DAY,
        ge=60,
        le=365 * DAY,
        description="Lifetime of a refresh token (single use, rotated on every refresh).",
    )
    login_window_seconds: int = Field(
        default=900, ge=1, description="Window over which failed sign-ins are counted."
    )
    login_max_failures_per_account: int = Field(
        default=5, ge=1, description="Failed sign-ins per account in the window before refusing."
    )
    login_max_failures_per_ip: int = Field(
        default=20, ge=1, description="Failed sign-ins per client IP in the window before refusing."
    )
    max_api_keys_per_user: int = Field(
        default=10, ge=1, description="Live (unrevoked) API keys one account may hold."
    )
    partner_monthly_quota: int = Field(
        default=100_000, ge=1, description="Default calls per month of a partner key."
    )
    partner_rate_per_second: float = Field(
        default=10.0, gt=0, description="Default sustained calls per second of a partner key."
    )
    internal_monthly_quota: int = Field(
        default=10_000_000, ge=1, description="Default calls per month of an internal key."
    )
    internal_rate_per_second: float = Field(
        default=100.0, gt=0, description="Default sustained calls per second of an internal key."
    )
    api_key_touch_seconds: int = Field(
        default=60, ge=0, description="Write last_used_at at most this often per key."
    )
    publish_events: bool = Field(default=True, description="Run the outbox publisher.")
    outbox_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the outbox publisher looks for new events."
    )
    outbox_max_backoff_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait between retries while the bus is down."
    )

    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'accounts.sqlite'}"

    def database_connect_args(self) -> dict[str, str]:
        """The TLS arguments for the database driver (none when nothing is set)."""
        args: dict[str, str] = {}
        if self.database_sslmode:
            args["sslmode"] = self.database_sslmode
        if self.database_sslrootcert is not None:
            args["sslrootcert"] = str(self.database_sslrootcert)
        return args

    def resolved_signing_key_file(self) -> Path:
        """The configured key file, or the generated one in the data dir."""
        return self.signing_key_file or self.data_dir / "signing_key.pem"
