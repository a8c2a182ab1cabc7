"""Where a process finds the service keys, from MEDCODE_SERVICE_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_KEYS_DIR = Path("var/pki")


class ServiceAuthSettings(BaseSettings):
    """Shared by every service and the gateway: one keys folder, this process's private key.

    The same variables serve every process of `medcode run` (each finds its own
    `<identity>.key.pem` in the folder); in Kubernetes each pod mounts the public keys and
    only its own private key.
    """

    model_config = SettingsConfigDict(env_prefix="MEDCODE_SERVICE_", extra="ignore")

    keys_dir: Path = Field(
        default=DEFAULT_KEYS_DIR,
        description="Folder of the trusted public keys (<identity>.pub.pem) and, by default, "
        "this process's private key (<identity>.key.pem); `medcode run` creates it.",
    )
    key_file: Path | None = Field(
        default=None,
        description="This process's Ed25519 private key (PEM); unset: "
        "<keys_dir>/<identity>.key.pem.",
    )
    token_ttl_seconds: int = Field(
        default=300,
        ge=30,
        le=3600,
        description="Lifetime of the token a caller signs for each callee; renewed well before "
        "it expires.",
    )

    def private_key_file(self, identity: str) -> Path:
        """The configured key file, or `<keys_dir>/<identity>.key.pem`."""
        return self.key_file or self.keys_dir / f"{identity}.key.pem"
