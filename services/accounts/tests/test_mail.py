"""Mail through a real SMTP relay: STARTTLS or implicit TLS with AUTH and verified certificates,
retries with backoff while the relay is down (kept across a restart), no retry of a 5xx."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from medcode_accounts.bootstrap import utc_now
from medcode_accounts.models import OutboxMail
from medcode_accounts.testing import MailSinkThread
from medcode_common.events.valkey_server import free_port

from .conftest import StartServer
from .test_outbox import wait_for

USER, SECRET = "medcode-relay", "relay secret 42"


@dataclass
class Relay:
    """A TLS SMTP relay that wants AUTH, and the CA file that verifies it."""

    sink: MailSinkThread
    ca_file: Path
    logins: list[str]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, in PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "medcode test relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "relay.pem", directory / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def start_relay(tmp_path: Path, *, implicit: bool) -> Relay:
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    logins: list[str] = []

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            SECRET.encode(),
        )
        if ok:
            logins.append(mechanism)
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers the 535

    # aiosmtpd cannot tell an implicit-TLS connection from a plain one, so its "AUTH only
    # over TLS" check is for STARTTLS; with implicit TLS every byte is encrypted anyway.
    tls: dict[str, Any] = (
        {"implicit_tls": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    )
    sink = MailSinkThread(tmp_path / "relayed", authenticator=authenticate, **tls)
    sink.start()
    return Relay(sink, cert_file, logins)


@pytest.fixture(params=["starttls", "tls"])
def relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Relay]]:
    started = start_relay(tmp_path, implicit=request.param == "tls")
    yield request.param, started
    started.sink.stop()


def mail_rows(server: Any) -> list[OutboxMail]:
    with server.runtime.backend.db.read() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_mail_goes_through_an_encrypted_relay_that_wants_auth(
    start_server: StartServer, relay: tuple[str, Relay]
) -> None:
    security, started = relay
    server = start_server(
        smtp_addr=started.sink.address,
        smtp_security=security,
        smtp_username=USER,
        smtp_password=SECRET,
        smtp_ca_file=started.ca_file,
    )
    server.register("tls@example.com")
    message = started.sink.wait_for("tls@example.com")
    assert str(message["Subject"]) == "Confirm your email for MedCode"
    assert started.logins  # the relay took the message only after AUTH, over TLS


def test_wrong_credentials_are_retried_not_lost(
    start_server: StartServer, relay: tuple[str, Relay]
) -> None:
    security, started = relay
    server = start_server(
        clock=utc_now,
        smtp_addr=started.sink.address,
        smtp_security=security,
        smtp_username=USER,
        smtp_password="not the secret",
        smtp_ca_file=started.ca_file,
    )
    server.register("creds@example.com")
    mailer = server.runtime.mailer
    assert mailer is not None
    wait_for(lambda: mailer.retried >= 1, "a retry to be scheduled")
    row = mail_rows(server)[0]
    assert row.sent_at is None and row.failed_at is None and row.message
    assert "credentials" in (row.last_error or "") and not started.sink.messages()


def test_an_unverified_relay_certificate_is_refused(
    start_server: StartServer, relay: tuple[str, Relay]
) -> None:
    security, started = relay
    server = start_server(
        clock=utc_now,
        smtp_addr=started.sink.address,
        smtp_security=security,
        smtp_username=USER,
        smtp_password=SECRET,
    )  # no CA file: the system's store does not know this self-signed relay
    server.register("mitm@example.com")
    mailer = server.runtime.mailer
    assert mailer is not None
    wait_for(lambda: mailer.retried >= 1, "a retry to be scheduled")
    assert "CERTIFICATE_VERIFY_FAILED" in (mail_rows(server)[0].last_error or "")
    assert not started.logins and not started.sink.messages()


def test_mail_waits_for_a_relay_that_is_down_even_across_a_restart(
    start_server: StartServer, tmp_path: Path
) -> None:
    port = free_port()
    data = tmp_path / "durable"
    first = start_server(clock=utc_now, data_dir=data, smtp_addr=f"127.0.0.1:{port}")
    first.register("later@example.com")
    mailer = first.runtime.mailer
    assert mailer is not None
    wait_for(lambda: mailer.retried >= 1, "the first failed try")
    first.close()  # the message now lives only in the database
    sink = MailSinkThread(tmp_path / "late", port=port)
    sink.start()
    try:
        second = start_server(clock=utc_now, data_dir=data, smtp_addr=f"127.0.0.1:{port}")
        message = sink.wait_for("later@example.com")
        assert "token=mcc_" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        # The relay has the message before the outbox row is marked sent: wait for the mark.
        wait_for(lambda: all(row.sent_at for row in mail_rows(second)), "the row marked sent")
        rows = mail_rows(second)
        assert len(rows) == 1 and rows[0].sent_at is not None and rows[0].attempts >= 2
    finally:
        sink.stop()


class Refuse:
    """A relay that refuses every recipient for good (550)."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return "550 5.1.1 no such mailbox here"


def test_a_permanent_refusal_is_given_up_at_once(start_server: StartServer, tmp_path: Path) -> None:
    sink = MailSinkThread(tmp_path / "refusing", handler=Refuse())
    sink.start()
    try:
        server = start_server(clock=utc_now, smtp_addr=sink.address)
        server.register("bounce@example.com")
        mailer = server.runtime.mailer
        assert mailer is not None
        wait_for(lambda: mailer.given_up == 1, "the message to be given up")
        row = mail_rows(server)[0]
        assert (row.attempts, row.sent_at, row.message) == (1, None, b"")
        assert row.failed_at is not None and "550" in (row.last_error or "")
        assert mailer.retried == 0
    finally:
        sink.stop()


def test_credentials_in_clear_text_to_another_host_are_refused_at_start() -> None:
    from medcode_accounts.settings import AccountsSettings

    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        AccountsSettings(smtp_addr="mail.example.org:25", smtp_username="medcode")
    AccountsSettings(smtp_addr="mail.example.org:587", smtp_username="x", smtp_security="starttls")


def test_an_internationalised_address_goes_out_with_smtputf8(
    start_server: StartServer, tmp_path: Path
) -> None:
    relays = [
        MailSinkThread(tmp_path / "ascii"),
        MailSinkThread(tmp_path / "utf8", enable_SMTPUTF8=True),
    ]
    for relay in relays:
        relay.start()
    try:
        old_relay = start_server(
            clock=utc_now, smtp_addr=relays[0].address, data_dir=tmp_path / "a"
        )
        old_relay.register("jörg@example.org")
        mailer = old_relay.runtime.mailer
        assert mailer is not None
        wait_for(lambda: mailer.given_up == 1, "a relay without SMTPUTF8 to be given up on")
        assert "cannot take this address" in (mail_rows(old_relay)[0].last_error or "")
        new_relay = start_server(
            clock=utc_now, smtp_addr=relays[1].address, data_dir=tmp_path / "b"
        )
        new_relay.register("jörg@example.org")
        message = relays[1].wait_for("jörg@example.org")
        assert str(message["To"]) == "jörg@example.org"
    finally:
        for relay in relays:
            relay.stop()
