"""The embedded Valkey launch: where its data lives, when it is skipped, and that it is durable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from medcode_common.events.valkey_server import free_port
from medcode_common.health_probe import redis_pong
from medcode_common.launch import installed_launches
from medcode_metering.embedded_valkey import data_dir, embedded_wanted

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("value", "wanted"),
    [(None, True), ("true", True), ("1", True), ("false", False), ("0", False), (" OFF ", False)],
)
def test_embedded_valkey_is_switched_off_by_configuration_alone(
    value: str | None, wanted: bool
) -> None:
    env = {} if value is None else {"MEDCODE_VALKEY_EMBEDDED": value}
    assert embedded_wanted(env) is wanted
    valkey = next(launch for launch in installed_launches() if launch.name == "valkey")
    assert valkey.is_wanted(env) is wanted


def test_data_lives_beside_the_platform_data() -> None:
    assert data_dir({}) == Path("var/valkey")
    assert data_dir({"MEDCODE_CODES_DATA_DIR": "/srv/medcode"}) == Path("/srv/medcode/valkey")
    assert data_dir({"MEDCODE_VALKEY_DIR": "/data/v", "MEDCODE_CODES_DATA_DIR": "/x"}) == Path(
        "/data/v"
    )


def test_launch_order_health_and_exports() -> None:
    launches = {launch.name: launch for launch in installed_launches()}
    valkey, metering = launches["valkey"], launches["metering"]
    assert valkey.order < launches["codes"].order < metering.order < launches["gateway"].order
    assert (valkey.health, valkey.default_port, valkey.port_env) == (
        "redis",
        6390,
        "MEDCODE_VALKEY_PORT",
    )
    assert set(valkey.exports) == {"MEDCODE_METERING_REDIS_URL", "MEDCODE_EVENTS_REDIS_URL"}
    assert (metering.health, metering.default_port) == ("grpc", 50053)


def test_embedded_valkey_execs_the_server_and_keeps_an_append_only_file(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MEDCODE_VALKEY_PORT": str(port), "MEDCODE_CODES_DATA_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "medcode_metering.embedded_valkey"]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not redis_pong(f"127.0.0.1:{port}"):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        client = redis.Redis(port=port)
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("appendfsync") == {"appendfsync": "always"}
        assert client.config_get("bind") == {"bind": "127.0.0.1"}
        client.set("k", "v")
        client.close()
        # exec, not a wrapper: the runner's SIGTERM reaches valkey-server itself.
        assert Path(f"/proc/{process.pid}/exe").resolve().name == "valkey-server"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert any((tmp_path / "valkey").glob("appendonlydir/*.aof"))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
