"""Alembic environment: runs on the connection `migrate.upgrade_to_head` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from medcode_accounts.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Online only: SQL scripts are not part of this service's deployment story."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
