"""The runner probes Redis-kind services, hands their address to later services, skips unwanted."""

from __future__ import annotations

import sys
from pathlib import Path

from medcode_common.events.valkey_server import free_port, valkey_binary
from medcode_common.health_probe import launch_ready, redis_pong
from medcode_common.launch import ServiceLaunch
from medcode_common.runner import PlatformRunner

# A child that records two variables, then serves HTTP so the runner sees it ready.
RECORDER = """
import http.server, os, sys
from pathlib import Path
Path(sys.argv[1]).write_text(os.environ.get("STORE_URL", "") + "|" + os.environ.get("BUS_URL", ""))
port = int(os.environ["RECORDER_PORT"])
http.server.HTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler).serve_forever()
"""


def store_launch(port: int, tmp_path: Path) -> ServiceLaunch:
    argv = [str(valkey_binary()), "--port", str(port), "--bind", "127.0.0.1"]
    argv += ["--dir", str(tmp_path), "--save", "", "--appendonly", "no"]
    return ServiceLaunch(
        name="store",
        order=1,
        argv=argv,
        port_env="STORE_PORT",
        default_port=port,
        health="redis",
        exports={"STORE_URL": "redis://{address}/0", "BUS_URL": "redis://{address}/1"},
        wanted=lambda env: env.get("STORE_EMBEDDED") != "false",
    )


def recorder_launch(out: Path) -> ServiceLaunch:
    return ServiceLaunch(
        name="recorder",
        order=2,
        argv=[sys.executable, "-c", RECORDER, str(out)],
        port_env="RECORDER_PORT",
        default_port=1,
        health="http",
        health_path="/",
    )


def test_exports_reach_later_services_unless_the_operator_set_them(tmp_path: Path) -> None:
    port = free_port()
    env = {"STORE_PORT": str(port), "RECORDER_PORT": str(free_port()), "BUS_URL": "kafka-ish"}
    runner = PlatformRunner(env=env, start_timeout=30)
    store = store_launch(port, tmp_path)
    out = tmp_path / "seen.txt"
    try:
        assert runner.wants(store)
        runner.start(store)
        assert launch_ready(store, f"127.0.0.1:{port}")
        runner.start(recorder_launch(out))
        assert out.read_text() == f"redis://127.0.0.1:{port}/0|kafka-ish"
    finally:
        runner.stop(grace=5)
    assert not redis_pong(f"127.0.0.1:{port}")
    assert all(p.poll() is not None for p in runner.processes)


def test_a_launch_can_be_switched_off_by_the_environment(tmp_path: Path) -> None:
    store = store_launch(free_port(), tmp_path)
    assert not PlatformRunner(env={"STORE_EMBEDDED": "false"}).wants(store)
    assert PlatformRunner(env={}).wants(store)


def test_redis_probe_is_false_for_a_closed_port() -> None:
    assert not redis_pong(f"127.0.0.1:{free_port()}")
