"""`medcode run`: start every installed service on loopback, in order, and stop them together.

Children get SIGTERM when the runner gets SIGINT/SIGTERM, and the kernel kills them if the
runner itself dies (PR_SET_PDEATHSIG, armed by `medcode_common.parent_death`), so no run
leaves orphan processes behind.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass

from medcode_common.health_probe import launch_ready
from medcode_common.launch import ServiceLaunch, installed_launches
from medcode_common.parent_death import spawn_dying_with_parent
from medcode_common.service_auth.platform_keys import prepare_platform_keys

log = logging.getLogger(__name__)


def _require_free(address: str, launch: ServiceLaunch) -> None:
    """Fail fast when the port is taken, instead of mistaking another server for ours."""
    host, _, port = address.rpartition(":")
    with socket.socket() as probe:
        # As servers bind (SO_REUSEADDR): only a live listener makes this fail.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            raise RuntimeError(
                f"{launch.name}: {address} is already in use (is MedCode already running?); "
                f"set {launch.port_env} to use another port"
            ) from None


@dataclass
class _Running:
    launch: ServiceLaunch
    address: str
    process: subprocess.Popen[bytes]


class PlatformRunner:
    """Starts services one by one, waits for each to be ready, supervises, stops all."""

    def __init__(self, *, env: Mapping[str, str], start_timeout: float = 120.0) -> None:
        self._env = dict(env)
        self._start_timeout = start_timeout
        self._running: list[_Running] = []
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """True once a stop was requested."""
        return self._stopping

    @property
    def front_address(self) -> str | None:
        """Address of the last service started (the gateway, when everything is up)."""
        return self._running[-1].address if self._running else None

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        """The child processes started so far, in start order."""
        return [item.process for item in self._running]

    def request_stop(self) -> None:
        """Ask `supervise` (or the start loop) to return; safe to call from a signal handler."""
        self._stopping = True

    def _address_of(self, launch: ServiceLaunch) -> str:
        port = self._env.get(launch.port_env) or str(launch.default_port)
        self._env[launch.port_env] = port
        return f"127.0.0.1:{port}"

    def wants(self, launch: ServiceLaunch) -> bool:
        """Whether `launch` should run under this runner's environment."""
        return launch.is_wanted(self._env)

    def _export(self, launch: ServiceLaunch, address: str) -> None:
        """Hand this service's address to every later service, unless the operator chose one."""
        for variable, template in launch.exports.items():
            if variable in self._env:
                log.info("%s: keeping %s from the environment", launch.name, variable)
            else:
                self._env[variable] = template.format(address=address)

    def start(self, launch: ServiceLaunch) -> None:
        """Prepare, start and wait for one service; raise RuntimeError if it never gets ready."""
        if launch.prepare is not None:
            launch.prepare(self._env)
        address = self._address_of(launch)
        _require_free(address, launch)
        by_name = {item.launch.name: item.address for item in self._running}
        for variable, peer in launch.peers.items():
            if peer in by_name:
                self._env[variable] = by_name[peer]
        log.info("starting %s on %s", launch.name, address)
        # Killed by the kernel if the runner dies abnormally; every service's state is safe
        # against a kill (SQLite transactions, snapshots swapped atomically, Valkey fsyncing).
        process = spawn_dying_with_parent(launch.argv, env=self._env)
        item = _Running(launch, address, process)
        self._running.append(item)
        deadline = time.monotonic() + self._start_timeout
        while process.poll() is None and not launch_ready(launch, address):
            if self._stopping:
                return  # a stop during start-up: `stop` ends this child with the others
            if time.monotonic() > deadline:
                raise RuntimeError(f"{launch.name} not ready after {self._start_timeout:.0f}s")
            time.sleep(0.1)
        if process.poll() is not None:
            raise RuntimeError(f"{launch.name} exited with code {process.returncode}")
        self._export(launch, address)
        log.info("%s ready on %s", launch.name, address)

    def stop(self, *, grace: float = 10.0) -> None:
        """SIGTERM every child (last started first), then SIGKILL any still alive after `grace`."""
        self._stopping = True
        for item in reversed(self._running):
            if item.process.poll() is None:
                item.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for item in reversed(self._running):
            try:
                item.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0fs; killing it", item.launch.name, grace)
                item.process.kill()
                item.process.wait()

    def supervise(self) -> int:
        """Block until a signal or a child exits; return the exit code for the runner."""
        while not self._stopping:
            for item in self._running:
                if item.process.poll() is not None:
                    log.error(
                        "%s exited with %s; stopping", item.launch.name, item.process.returncode
                    )
                    return 1
            time.sleep(0.2)
        return 0


def run_platform(env: Mapping[str, str] | None = None) -> int:
    """Start every installed service and run until Ctrl-C or SIGTERM; return an exit code.

    Every service gets the same keys folder (made on the first run): each signs its calls
    with its own key and checks its callers' tokens against the others' public keys.
    """
    platform_env = dict(os.environ if env is None else env)
    prepare_platform_keys(platform_env)
    runner = PlatformRunner(env=platform_env)

    def _on_signal(signum: int, _frame: object) -> None:
        log.info("received %s; stopping", signal.Signals(signum).name)
        runner.request_stop()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    code = 0
    try:
        for launch in installed_launches():
            if runner.stopping:
                break
            if not runner.wants(launch):
                log.info("not starting %s: disabled by the environment", launch.name)
                continue
            runner.start(launch)
        if not runner.stopping:
            log.info("MedCode is up: http://%s", runner.front_address)
        code = runner.supervise()
    except RuntimeError as error:
        log.error("%s", error)
        code = 1
    finally:
        runner.stop()
    return code
