"""Accounts service configuration, from MEDCODE_ACCOUNTS_* environment variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings

DEFAULT_PORT = 50054
DEFAULT_METRICS_PORT = 9104
DEFAULT_SMTP_PORT = 1025
"""Where `medcode run`'s local SMTP sink listens (the usual development mail-catcher port)."""
DAY = 86_400
HOUR = 3_600


class AccountsSettings(GrpcServiceSettings):
    """Where accounts listens and stores users, and the knobs of its security policy."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_ACCOUNTS_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    max_workers_hint: int = Field(
        default=1024,
        ge=1,
        description="Concurrent RPCs before RESOURCE_EXHAUSTED; password hashing has its own "
        "bounded pool (password_workers, password_queue), so cheap calls are never crowded out.",
    )
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
    password_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Threads that hash and verify passwords (argon2id) for sign-up and sign-in, "
        "apart from the threads of every other call.",
    )
    password_queue: int = Field(
        default=16,
        ge=0,
        description="Sign-ups and sign-ins that may wait for a password thread; more at once "
        "are refused with RESOURCE_EXHAUSTED and retry-after (the gateway's 429).",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="The website's address, for the links in emails "
        "(<public_url>/v1/auth/confirm?token=...).",
    )
    confirmation_ttl_seconds: int = Field(
        default=DAY,
        ge=300,
        le=30 * DAY,
        description="How long a confirmation link works; an unconfirmed sign-up gets no account.",
    )
    signup_window_seconds: int = Field(
        default=HOUR, ge=1, description="Window over which sign-ups are counted."
    )
    signup_max_per_network: int = Field(
        default=10,
        ge=1,
        description="Sign-ups per client network (IPv4 /24, IPv6 /64) in the window.",
    )
    signup_max_global: int = Field(
        default=500, ge=1, description="Sign-ups from everyone together in the window."
    )
    signup_max_mails_per_address: int = Field(
        default=3,
        ge=1,
        description="Sign-up mails (confirmations or 'someone tried to register' notes) one "
        "address gets in the window; more sign-ups answer the same but send nothing.",
    )
    send_mail: bool = Field(
        default=True, description="Run the mail publisher (sends the mail outbox over SMTP)."
    )
    mail_from: str = Field(
        default="MedCode <no-reply@localhost>",
        min_length=3,
        description="From: of every message; production sets an address of its own domain.",
    )
    smtp_addr: str = Field(
        default=f"127.0.0.1:{DEFAULT_SMTP_PORT}",
        pattern=r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$",
        description="host:port of the SMTP relay; the default is `medcode run`'s local mail sink.",
    )
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none",
        description="none (loopback only when authenticating), starttls (upgrade, e.g. "
        "port 587) or tls (implicit TLS, e.g. port 465); certificates are verified.",
    )
    smtp_username: str = Field(default="", description="SMTP AUTH user; empty: no AUTH.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP AUTH password.")
    smtp_ca_file: Path | None = Field(
        default=None,
        description="CA certificates (PEM) that verify the relay; unset: the system's.",
    )
    smtp_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Deadline of each SMTP connection and command."
    )
    mail_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the mail publisher looks for mail to send."
    )
    mail_max_attempts: int = Field(
        default=12,
        ge=1,
        description="Tries per message while the relay refuses it temporarily or is down.",
    )
    mail_max_backoff_seconds: float = Field(
        default=600.0, gt=0, description="Longest wait before retrying a message."
    )

    @property
    def smtp_host(self) -> str:
        """The host part of `smtp_addr` (an IPv6 address without its brackets)."""
        return self.smtp_addr.rpartition(":")[0].strip("[]")

    @property
    def smtp_port(self) -> int:
        """The port part of `smtp_addr`."""
        return int(self.smtp_addr.rpartition(":")[2])

    @model_validator(mode="after")
    def _no_clear_text_credentials(self) -> Self:
        """A real port, and SMTP AUTH in clear text only to a relay on this machine."""
        if not 1 <= self.smtp_port <= 65535:
            raise ValueError(f"MEDCODE_ACCOUNTS_SMTP_ADDR {self.smtp_addr!r}: port out of range")
        if self.smtp_username and self.smtp_security == "none" and not _loopback(self.smtp_host):
            raise ValueError(
                "MEDCODE_ACCOUNTS_SMTP_USERNAME is set but MEDCODE_ACCOUNTS_SMTP_SECURITY is "
                "none: set it to starttls or tls so the password never crosses the network in clear"
            )
        return self

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


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
