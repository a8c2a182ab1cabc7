"""`medcode accounts create-key|set-plan` act on the service's database directly."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.plans.v1 import plans_pb2
from medcode_common.cli import main
from medcode_common.launch import installed_launches

from .conftest import StartServer, code_of


def test_create_key_prints_a_key_the_service_accepts(
    start_server: StartServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cli"
    argv = ["accounts", "create-key", "--plan", "partner", "--name", "acme", "--data-dir"]
    assert main([*argv, str(data), "--quota", "5000", "--rps", "3"]) == 0
    out = capsys.readouterr().out
    secret = out.splitlines()[0]
    assert secret.startswith("mc_live_") and "Shown once" in out
    server = start_server(data_dir=data)
    key = server.stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=secret)).key
    assert (key.name, key.plan, key.monthly_quota, key.rate_per_second) == (
        "acme",
        plans_pb2.PLAN_PARTNER,
        5000,
        3.0,
    )


def test_set_plan_moves_a_user_and_unlocks_keys(
    start_server: StartServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cli"
    server = start_server(data_dir=data)
    user_id = server.register("ops@example.com").user.user_id
    assert (
        main(["accounts", "set-plan", "OPS@example.com", "internal", "--data-dir", str(data)]) == 0
    )
    assert "now on the internal plan" in capsys.readouterr().out
    assert (
        server.stub.GetUser(pb.GetUserRequest(user_id=user_id)).user.plan == plans_pb2.PLAN_INTERNAL
    )
    key = server.stub.CreateApiKey(pb.CreateApiKeyRequest(owner_user_id=user_id)).key
    assert (key.plan, key.monthly_quota) == (plans_pb2.PLAN_INTERNAL, 10_000_000)


def test_set_plan_for_an_unknown_email_fails_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["accounts", "set-plan", "ghost@example.com", "pro", "--data-dir", str(tmp_path)]
    assert main(argv) == 2
    assert "no account with email ghost@example.com" in capsys.readouterr().err


def test_bad_cli_values_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["accounts", "create-key", "--plan", "partner", "--quota", "-5"]
    assert main([*argv, "--data-dir", str(tmp_path)]) == 2
    assert "must not be negative" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["accounts", "create-key", "--plan", "free"])


def test_the_runner_starts_accounts_after_valkey_on_50054() -> None:
    launch = next(item for item in installed_launches() if item.name == "accounts")
    assert (launch.order, launch.default_port, launch.port_env, launch.health) == (
        30,
        50054,
        "MEDCODE_ACCOUNTS_PORT",
        "grpc",
    )


def test_health_reports_serving(start_server: StartServer) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    server = start_server()
    health = health_pb2_grpc.HealthStub(server.channel)
    for name in ("", "medcode.accounts.v1.AccountsService"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    assert (
        code_of(lambda: health.Check(health_pb2.HealthCheckRequest(service="nope")))[0]
        == grpc.StatusCode.NOT_FOUND
    )
