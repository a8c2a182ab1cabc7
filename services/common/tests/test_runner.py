"""The platform runner: refuses taken ports, reports services that die, stops what it started."""

from __future__ import annotations

import socket
import sys
import threading
import time

import pytest

from medcode_common.launch import ServiceLaunch
from medcode_common.runner import PlatformRunner


def launch(argv: list[str], port_env: str = "DEMO_PORT") -> ServiceLaunch:
    return ServiceLaunch(
        name="demo", order=1, argv=argv, port_env=port_env, default_port=1, health="grpc"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_taken_port_is_refused_before_starting_anything() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        runner = PlatformRunner(env={"DEMO_PORT": str(port)})
        with pytest.raises(RuntimeError, match="already in use.*DEMO_PORT"):
            runner.start(launch([sys.executable, "-c", "pass"]))
        assert runner.front_address is None


def test_a_service_that_dies_during_start_is_reported() -> None:
    runner = PlatformRunner(env={"DEMO_PORT": str(free_port())}, start_timeout=30)
    with pytest.raises(RuntimeError, match="exited with code 3"):
        runner.start(launch([sys.executable, "-c", "raise SystemExit(3)"]))
    runner.stop()


def test_stop_ends_a_service_that_never_got_ready() -> None:
    runner = PlatformRunner(env={"DEMO_PORT": str(free_port())}, start_timeout=1)
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="not ready after 1s"):
        runner.start(launch(sleeper))
    runner.stop(grace=5)
    assert time.monotonic() - started < 10
    assert runner.processes and all(p.poll() is not None for p in runner.processes)


def test_a_stop_during_start_up_does_not_wait_for_the_service() -> None:
    runner = PlatformRunner(env={"DEMO_PORT": str(free_port())}, start_timeout=60)
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    threading.Timer(0.5, runner.request_stop).start()  # as SIGTERM's handler does
    started = time.monotonic()
    runner.start(launch(sleeper))
    runner.stop(grace=5)
    assert time.monotonic() - started < 10
    assert runner.processes and all(p.poll() is not None for p in runner.processes)
