"""Hand one message to the SMTP relay (smtplib): STARTTLS or implicit TLS, AUTH, verified certs.

Failures are sorted for the publisher: `TemporaryFailure` (relay down, 4xx, bad credentials
an operator can fix) is retried with backoff; `PermanentFailure` (5xx about this message or
recipient) is not, since sending it again would be refused again.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Security = Literal["none", "starttls", "tls"]


class TemporaryFailure(Exception):
    """The relay could not take the message now; try again later."""


class PermanentFailure(Exception):
    """The relay refused the message for good."""


@dataclass(frozen=True)
class SmtpRelay:
    """Where and how to deliver: one connection per send (sign-up mail is rare)."""

    host: str
    port: int
    security: Security = "none"
    username: str = ""
    password: str = ""
    ca_file: Path | None = None
    timeout_seconds: float = 30.0

    def _tls(self) -> ssl.SSLContext:
        """Certificates and host names verified, against `ca_file` or the system's store."""
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout_seconds, context=self._tls()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds)
        if self.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=self._tls())
        return smtp

    def send(self, *, sender: str, recipient: str, message: bytes) -> None:
        """Deliver `message`; TemporaryFailure or PermanentFailure when the relay does not."""
        # An internationalised address (RFC 6531) needs a relay that speaks SMTPUTF8.
        options = [] if (sender + recipient).isascii() else ["SMTPUTF8"]
        try:
            with self._connect() as smtp:
                smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password)
                try:
                    smtp.sendmail(sender, [recipient], message, mail_options=options)
                except smtplib.SMTPNotSupportedError as error:
                    raise PermanentFailure(f"the relay cannot take this address: {error}") from None
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            detail = f"recipient refused: {error.recipients}"
            raise _by_code(min(codes, default=550), detail) from None
        except smtplib.SMTPAuthenticationError as error:
            raise TemporaryFailure(f"the relay refused our credentials: {error}") from None
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, f"{error.smtp_code} {error.smtp_error!r}") from None
        except (smtplib.SMTPException, OSError) as error:  # refused, reset, timed out, TLS
            detail = f"cannot reach the relay {self.host}:{self.port}: {error!r}"
            raise TemporaryFailure(detail) from None


def _by_code(code: int, detail: str) -> Exception:
    """5xx is final (RFC 5321), anything else may work later."""
    return PermanentFailure(detail) if 500 <= code < 600 else TemporaryFailure(detail)
