"""Engine and transactions: SQLite (WAL, write locks taken up front) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

_WRITE = "medcode_write"


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def _tune_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, and BEGIN IMMEDIATE for writers.

    A deferred transaction that reads and then writes fails with SQLITE_BUSY when another
    writer committed in between; taking the write lock at BEGIN makes writers queue instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str, *, connect_args: Mapping[str, str] | None = None) -> Engine:
    """An engine for `url`; creates the SQLite file's folder when needed.

    `connect_args` are the driver's TLS arguments (sslmode, sslrootcert) for PostgreSQL; a
    SQLite file has no connection to protect, so setting them there is a configuration error.
    """
    sqlite_file = _sqlite_file(url)
    if connect_args and make_url(url).get_backend_name() != "postgresql":
        raise ValueError(
            f"database TLS settings ({', '.join(sorted(connect_args))}) apply to PostgreSQL "
            f"only, not to {make_url(url).get_backend_name()}"
        )
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args=dict(connect_args or {}))


class Database:
    """Short transactions: `read()` for lookups, `write()` for changes (committed on exit)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session whose transaction is rolled back at the end (nothing to commit)."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
