"""PostgreSQL over TLS: a real server that accepts only TLS connections, and the accounts
settings that make the service verify it (sslmode, sslrootcert)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from medcode_accounts.bootstrap import open_backend
from medcode_accounts.database import create_db_engine
from medcode_accounts.settings import AccountsSettings
from medcode_common.events.valkey_server import free_port

from . import postgres

Key = ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: Key, issuer: str, issuer_key: Key, *, ca: bool) -> bytes:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def write_pki(folder: Path) -> tuple[Path, Path]:
    """A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA."""
    ca_key, other_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    (folder / "ca.pem").write_bytes(_certificate("test ca", ca_key, "test ca", ca_key, ca=True))
    (folder / "other-ca.pem").write_bytes(
        _certificate("other ca", other_key, "other ca", other_key, ca=True)
    )
    (folder / "server.crt").write_bytes(
        _certificate("127.0.0.1", server_key, "test ca", ca_key, ca=False)
    )
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder / "server.key").write_bytes(key_pem)
    (folder / "server.key").chmod(0o600)
    return folder / "ca.pem", folder / "other-ca.pem"


def _run(argv: list[str]) -> None:
    command = ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=True)


@pytest.fixture(scope="module")
def tls_server() -> Iterator[tuple[str, Path, Path]]:
    """(URL, CA, unrelated CA) of a throwaway PostgreSQL that refuses non-TLS connections."""
    _explicit, bin_dir = postgres.available()
    if bin_dir is None:
        pytest.skip(postgres.SKIP_REASON)
    root = Path(tempfile.mkdtemp(prefix="medcode-pg-tls-"))
    data, port = root / "data", free_port()
    ca, other_ca = write_pki(root)
    if os.geteuid() == 0:
        for path in [root, *root.iterdir()]:
            shutil.chown(path, "postgres", "postgres")
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "medcode", "-A", "trust",
              "--no-sync"])  # fmt: skip
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"ssl = on\nssl_cert_file = '{root / 'server.crt'}'\n"
                f"ssl_key_file = '{root / 'server.key'}'\n"
            )
        (data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "hostnossl all all 0.0.0.0/0 reject\n"
            "hostssl all all 127.0.0.1/32 trust\n"
        )
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(root / "log"),
              "-o", f"-h 127.0.0.1 -p {port} -k {root} -F", "start"])  # fmt: skip
        yield f"postgresql+psycopg://medcode@127.0.0.1:{port}/postgres", ca, other_ca
    finally:
        if (data / "postmaster.pid").exists():
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def test_accounts_verifies_the_server_and_talks_tls(
    tls_server: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, ca, _other = tls_server
    settings = AccountsSettings(
        data_dir=tmp_path,
        database_url=url,
        database_sslmode="verify-full",
        database_sslrootcert=ca,
        publish_events=False,
    )
    backend = open_backend(settings)  # migrations ran over the verified connection
    try:
        with backend.db.read() as session:
            encrypted = session.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar_one()
        assert encrypted is True
    finally:
        backend.close()


@pytest.mark.parametrize(
    ("sslmode", "use_other_ca", "reason"),
    [
        ("disable", False, "no encryption"),  # the server's pg_hba refuses plain connections
        ("verify-full", True, "certificate verify failed"),  # a server we cannot vouch for
    ],
)
def test_plain_or_unverified_connections_fail(
    tls_server: tuple[str, Path, Path], sslmode: str, use_other_ca: bool, reason: str
) -> None:
    url, ca, other = tls_server
    settings = AccountsSettings(
        database_url=url,
        database_sslmode=sslmode,  # type: ignore[arg-type]
        database_sslrootcert=other if use_other_ca else ca,
    )
    engine = create_db_engine(url, connect_args=settings.database_connect_args())
    try:
        with pytest.raises(OperationalError, match=reason), engine.connect():
            pass
    finally:
        engine.dispose()


def test_tls_settings_on_sqlite_are_a_configuration_error(tmp_path: Path) -> None:
    settings = AccountsSettings(data_dir=tmp_path, database_sslmode="verify-full")
    with pytest.raises(ValueError, match="PostgreSQL only"):
        create_db_engine(
            settings.resolved_database_url(), connect_args=settings.database_connect_args()
        )
    assert AccountsSettings(data_dir=tmp_path).database_connect_args() == {}
