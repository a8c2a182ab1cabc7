"""Children started by `spawn_dying_with_parent`: they start reliably next to gRPC, and die
with their parent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from medcode_common.parent_death import CANNOT_EXEC, ORPHANED, spawn_dying_with_parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")


@pytest.fixture
def health_address() -> Iterator[str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(grace=None)


_forks_seen: list[int] = []
os.register_at_fork(before=lambda: _forks_seen.append(os.getpid()))


def test_spawning_never_forks_the_parent() -> None:
    """A pre-exec hook makes CPython fork() the parent, running every fork handler (gRPC's
    among them); without one it uses vfork/posix_spawn, which run none."""
    _forks_seen.clear()
    child = spawn_dying_with_parent(["true"])
    assert child.wait(timeout=30) == 0
    assert _forks_seen == []


def test_children_start_while_grpc_is_busy(health_address: str) -> None:
    """The runner probes health over gRPC between spawns; a pre-exec hook made 0 to 8 children
    in 200 abort before exec ("Check failed: wakeup_fd_->Wakeup().ok()"). A race, so this catches
    a regression only most of the time; `test_spawning_never_forks_the_parent` always does."""
    failures = []
    for attempt in range(100):
        with grpc.insecure_channel(health_address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        child = spawn_dying_with_parent(["true"])
        if child.wait(timeout=30) != 0:
            failures.append((attempt, child.returncode))
    assert failures == []


def test_the_child_runs_the_program_with_its_arguments_and_environment() -> None:
    child = spawn_dying_with_parent(
        [
            sys.executable,
            "-c",
            "import os, sys; print(sys.argv[1], os.environ['MEDCODE_PROBE'])",
            "two words",
        ],
        env={**os.environ, "MEDCODE_PROBE": "seen"},
        stdout=subprocess.PIPE,
    )
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0
    assert out.decode().strip() == "two words seen"


def test_the_child_is_killed_when_its_parent_is_killed() -> None:
    parent_code = textwrap.dedent(
        """
        import sys, time
        from medcode_common.parent_death import spawn_dying_with_parent
        child = spawn_dying_with_parent(["sleep", "120"])
        print(child.pid, flush=True)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    deadline = time.monotonic() + 30
    while _command_of(child_pid) != "sleep":  # the trampoline has not exec'd yet
        assert time.monotonic() < deadline, "the child never became `sleep`"
        time.sleep(0.05)
    parent.kill()
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(child_pid):
        assert time.monotonic() < deadline, "the child outlived its killed parent"
        time.sleep(0.05)


def test_a_trampoline_whose_parent_is_gone_never_starts_the_program() -> None:
    """The parent can die between the spawn and the arming; the program must not then run
    unsupervised (the test's own pid stands in for a parent that is not ours)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "medcode_common.parent_death",
            str(os.getpid() + 1_000_000),
            "--",
            "echo",
            "started",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == ORPHANED
    assert "started" not in result.stdout
    assert "is gone" in result.stderr


def test_a_program_that_cannot_run_is_reported_not_raised() -> None:
    child = spawn_dying_with_parent(["medcode-no-such-program"], stderr=subprocess.PIPE)
    _, err = child.communicate(timeout=30)
    assert child.returncode == CANNOT_EXEC
    assert b"cannot start medcode-no-such-program" in err


@pytest.mark.parametrize(
    "args", [[], ["123"], ["123", "--"], ["abc", "--", "true"], ["123", "true"]]
)
def test_bad_trampoline_arguments_are_a_usage_error(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "medcode_common.parent_death", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_refuses_a_preexec_hook_and_an_empty_argv() -> None:
    with pytest.raises(ValueError, match="preexec_fn"):
        spawn_dying_with_parent(["true"], preexec_fn=lambda: None)
    with pytest.raises(ValueError, match="argv"):
        spawn_dying_with_parent([])


def _command_of(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except FileNotFoundError:
        return None


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, killed but not yet reaped by init, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
