"""`medcode accounts create-key|set-plan` act on the service's database directly."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.plans.v1 import plans_pb2
from medcode_accounts.bootstrap import utc_now
from medcode_common.cli import main
from medcode_common.launch import installed_launches

from .conftest import PASSWORD, StartServer, code_of


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
    user_id = server.sign_up("ops@example.com").user.user_id
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


def test_list_keys_shows_every_key_and_revoke_key_stops_one(
    start_server: StartServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cli"
    server = start_server(data_dir=data)
    user_id = server.sign_up("partner@example.com").user.user_id
    server.runtime.backend.accounts.set_plan(email="partner@example.com", plan="partner")
    users_key = server.stub.CreateApiKey(
        pb.CreateApiKeyRequest(owner_user_id=user_id, name="billing")
    )
    assert main(["accounts", "create-key", "--plan", "internal", "--name", "ops", "--data-dir",
                 str(data)]) == 0  # fmt: skip
    operator_secret = capsys.readouterr().out.splitlines()[0]
    operator_id = operator_secret.split("_")[2]
    assert main(["accounts", "list-keys", "--data-dir", str(data)]) == 0
    table = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert table[0][:3] == ["KEY ID", "PLAN", "OWNER"]
    rows = {row[0]: row for row in table[1:]}
    assert rows[operator_id][1:4] == ["internal", "(operator)", "ops"]
    assert rows[users_key.key.key_id][1:4] == ["partner", "partner@example.com", "billing"]
    assert {row[-1] for row in rows.values()} == {"live"}
    assert operator_secret not in str(table) and users_key.secret not in str(table)

    assert main(["accounts", "revoke-key", operator_id, "--data-dir", str(data)]) == 0
    assert f"key {operator_id} (internal, ops) revoked" in capsys.readouterr().out
    verify = pb.VerifyApiKeyRequest(api_key=operator_secret)
    assert code_of(lambda: server.stub.VerifyApiKey(verify))[0] == grpc.StatusCode.UNAUTHENTICATED
    assert main(["accounts", "list-keys", "--operator", "--data-dir", str(data)]) == 0
    only = capsys.readouterr().out.splitlines()[1:]
    assert len(only) == 1 and only[0].startswith(operator_id) and "\trevoked " in only[0]


@pytest.mark.parametrize(("key_id", "says"), [("0123456789ab", "no API key"), ("ZZ", "hex")])
def test_revoke_key_of_a_bad_or_unknown_id_fails_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key_id: str, says: str
) -> None:
    assert main(["accounts", "revoke-key", key_id, "--data-dir", str(tmp_path)]) == 2
    assert says in capsys.readouterr().err


def test_confirm_email_makes_the_account_of_a_waiting_sign_up(
    start_server: StartServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cli"
    # The CLI reads the real clock; the mail never arrives.
    server = start_server(data_dir=data, send_mail=False, clock=utc_now)
    server.register("lost.mail@example.com")
    argv = ["accounts", "confirm-email", "LOST.mail@example.com", "--data-dir", str(data)]
    assert main(argv) == 0
    assert "lost.mail@example.com" in capsys.readouterr().out
    login = pb.LoginRequest(email="lost.mail@example.com", password=PASSWORD)
    assert server.stub.Login(login).user.email == "lost.mail@example.com"
    assert main(argv) == 2
    assert "no sign-up of lost.mail@example.com is waiting" in capsys.readouterr().err


def test_the_runner_starts_accounts_after_valkey_on_50054() -> None:
    launch = next(item for item in installed_launches() if item.name == "accounts")
    assert (launch.order, launch.default_port, launch.port_env, launch.health) == (
        30,
        50054,
        "MEDCODE_ACCOUNTS_PORT",
        "grpc",
    )


def test_the_runner_starts_the_mail_sink_first_and_points_accounts_at_it() -> None:
    launch = next(item for item in installed_launches() if item.name == "mail-sink")
    assert (launch.order, launch.default_port, launch.health) == (6, 1025, "smtp")
    assert launch.exports == {"MEDCODE_ACCOUNTS_SMTP_ADDR": "{address}"}
    assert not launch.is_wanted({"MEDCODE_MAIL_SINK_EMBEDDED": "false"})


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
