"""The shipped Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.plans.v1 import plans_pb2
from medcode_accounts.database import create_db_engine
from medcode_accounts.migrate import upgrade_to_head
from medcode_accounts.models import Base

from . import postgres
from .conftest import PASSWORD, StartServer, code_of


def schema_differences(url: str) -> list[object]:
    engine = create_db_engine(url)
    try:
        upgrade_to_head(engine)
        upgrade_to_head(engine)  # a second start is a no-op
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_sqlite_migrations_match_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'accounts.sqlite'}"
    assert schema_differences(url) == []
    engine = create_db_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables >= {"users", "refresh_tokens", "api_keys", "outbox", "login_failures"}
    assert tables >= {"sign_ups", "sign_up_attempts", "mail_outbox"}
    assert "alembic_version" in tables


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    explicit, bin_dir = postgres.available()
    if explicit:
        yield explicit
    elif bin_dir is not None:
        with postgres.throwaway_cluster(bin_dir) as url:
            yield url
    else:
        pytest.skip(postgres.SKIP_REASON)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    with postgres.fresh_database(postgres_server) as url:
        yield url


def test_postgres_migrations_match_the_models(postgres_url: str) -> None:
    assert schema_differences(postgres_url) == []


def test_register_login_refresh_and_keys_on_postgres(
    start_server: StartServer, postgres_url: str
) -> None:
    server = start_server(database_url=postgres_url)
    registered = server.sign_up("Pg.User@Example.com")
    assert server.register("pg.user@example.COM") == server.register("pg.new@example.com")
    assert "tried to sign up" in str(
        server.mail.wait_for("pg.user@example.com", count=2)["Subject"]
    )
    login = server.stub.Login(pb.LoginRequest(email="pg.user@example.com", password=PASSWORD))
    assert login.user.user_id == registered.user.user_id
    token = registered.tokens.refresh_token
    server.stub.Refresh(pb.RefreshRequest(refresh_token=token))
    assert code_of(lambda: server.stub.Refresh(pb.RefreshRequest(refresh_token=token)))[0] == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    server.runtime.backend.accounts.set_plan(email="pg.user@example.com", plan="partner")
    key = server.stub.CreateApiKey(pb.CreateApiKeyRequest(owner_user_id=registered.user.user_id))
    assert server.stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=key.secret)).key.plan == (
        plans_pb2.PLAN_PARTNER
    )


def test_a_database_outage_is_unavailable_and_recovers(start_server: StartServer) -> None:
    _explicit, bin_dir = postgres.available()
    if bin_dir is None:
        pytest.skip(postgres.SKIP_REASON + " (this test needs the binaries to stop a server)")
    with postgres.throwaway_cluster(bin_dir) as url, postgres.fresh_database(url) as db_url:
        server = start_server(database_url=db_url)
        server.sign_up("outage@example.com")
        postgres.pg_ctl(bin_dir, url, "stop")
        login = pb.LoginRequest(email="outage@example.com", password=PASSWORD)
        status, message = code_of(lambda: server.stub.Login(login, timeout=30))
        assert (status, message) == (
            grpc.StatusCode.UNAVAILABLE,
            "the accounts database is unavailable; try again",
        )
        postgres.pg_ctl(bin_dir, url, "start")
        assert server.stub.Login(login, timeout=30).user.email == "outage@example.com"
        server.close()
