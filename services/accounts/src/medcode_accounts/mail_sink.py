"""The local SMTP sink of `medcode run`: a real SMTP server (aiosmtpd) that keeps every message.

Each message it receives is written to `<dir>/<time>-<random>.eml` (by default
`var/mail/outbox/`) instead of being delivered, so a newcomer can open the confirmation link
of a sign-up, and tests read the mail the accounts service really sent over SMTP.
`python -m medcode_accounts.mail_sink` serves on loopback until SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import email
import logging
import os
import signal
import ssl
import time
import uuid
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from medcode_accounts.settings import DEFAULT_SMTP_PORT

log = logging.getLogger(__name__)

EMBEDDED_ENV = "MEDCODE_MAIL_SINK_EMBEDDED"
PORT_ENV = "MEDCODE_MAIL_SINK_PORT"


class MailSinkSettings(BaseSettings):
    """The SMTP sink `medcode run` starts so sign-up mail can be read without a mail server."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_MAIL_SINK_", extra="ignore")

    embedded: bool = Field(
        default=True,
        description="Start the local SMTP sink; false when MEDCODE_ACCOUNTS_SMTP_* name a "
        "real relay.",
    )
    port: int = Field(default=DEFAULT_SMTP_PORT, ge=1, le=65535, description="Its SMTP port.")
    dir: Path | None = Field(
        default=None,
        description="Where it writes each message as <id>.eml; unset: mail/outbox/ in "
        "MEDCODE_CODES_DATA_DIR (var/mail/outbox with make run).",
    )


def sink_dir(settings: MailSinkSettings, env: Mapping[str, str]) -> Path:
    """The configured folder, else mail/outbox/ in the platform's data dir."""
    if settings.dir is not None:
        return settings.dir
    return Path(env.get("MEDCODE_CODES_DATA_DIR") or "var") / "mail" / "outbox"


def embedded_wanted(env: Mapping[str, str]) -> bool:
    """False when the operator points accounts at a real relay instead."""
    return env.get(EMBEDDED_ENV, "true").strip().lower() not in {"0", "false", "no", "off"}


class SaveToFolder:
    """aiosmtpd handler: accept every message and write it, whole, to one file each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        now = time.time_ns()  # names sort in arrival order: second, then nanosecond
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9))
        name = f"{stamp}.{now % 10**9:09d}-{uuid.uuid4().hex[:8]}.eml"
        content = envelope.original_content or b""
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, self.directory / name)  # readers never see half a message
        log.info("mail to %s saved as %s", ", ".join(envelope.rcpt_tos), name)
        return "250 OK: kept by the MedCode mail sink"


async def start_sink(
    directory: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    implicit_tls: ssl.SSLContext | None = None,
    handler: object | None = None,
    **smtp: Any,
) -> asyncio.Server:
    """Listen on host:port (0: any free port), TLS from the first byte with `implicit_tls`;
    `smtp` are aiosmtpd.smtp.SMTP options (STARTTLS, AUTH); `handler` replaces saving."""
    chosen = handler if handler is not None else SaveToFolder(directory)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(chosen, hostname="medcode-mail-sink", **smtp),
        host=host,
        port=port,
        ssl=implicit_tls,
    )


def read_messages(directory: Path) -> list[EmailMessage]:
    """Every message saved in `directory`, oldest first."""
    found = []
    for path in sorted(directory.glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


async def _serve(settings: MailSinkSettings, directory: Path) -> None:
    server = await start_sink(directory, port=settings.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("mail sink on 127.0.0.1:%d, writing to %s", settings.port, directory)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main() -> None:
    """Serve the sink with the platform's port and folder."""
    from medcode_common.logs import configure_logging

    configure_logging()
    settings = MailSinkSettings()
    asyncio.run(_serve(settings, sink_dir(settings, os.environ).resolve()))


if __name__ == "__main__":
    main()
