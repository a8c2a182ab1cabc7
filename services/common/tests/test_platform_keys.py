"""`medcode run`'s keys: made once in the platform's data dir, shared by every service it
starts; and `medcode service-keys` for folders an operator turns into Secrets."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from medcode_common.cli import main
from medcode_common.service_auth import IDENTITIES, load_public_keys
from medcode_common.service_auth.platform_keys import prepare_platform_keys


def test_the_run_makes_keys_in_the_data_dir_once(tmp_path: Path) -> None:
    env = {"MEDCODE_CODES_DATA_DIR": str(tmp_path / "var")}
    keys = prepare_platform_keys(env)
    assert keys == (tmp_path / "var" / "pki").resolve()
    assert env["MEDCODE_SERVICE_KEYS_DIR"] == str(keys)
    first = {p.name: p.read_bytes() for p in keys.iterdir()}
    assert set(load_public_keys(keys)) == set(IDENTITIES)
    prepare_platform_keys(env)  # the next run reuses them
    assert {p.name: p.read_bytes() for p in keys.iterdir()} == first


def test_an_operator_folder_is_used_and_a_single_key_file_dropped(tmp_path: Path) -> None:
    env = {
        "MEDCODE_SERVICE_KEYS_DIR": str(tmp_path / "mine"),
        "MEDCODE_SERVICE_KEY_FILE": str(tmp_path / "gateway.key.pem"),
    }
    keys = prepare_platform_keys(env)
    assert keys == (tmp_path / "mine").resolve()
    assert "MEDCODE_SERVICE_KEY_FILE" not in env  # each process reads its own key


def test_service_keys_command_makes_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "secrets"
    assert main(["service-keys", "--dir", str(folder), "--identity", "gateway"]) == 0
    assert "1 key pair(s) created" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == ["gateway.key.pem", "gateway.pub.pem"]
    assert stat.S_IMODE((folder / "gateway.key.pem").stat().st_mode) == 0o600
    assert main(["service-keys", "--dir", str(folder)]) == 0
    assert f"{len(IDENTITIES) - 1} key pair(s) created" in capsys.readouterr().out
