"""A valkey-server on a port the test chooses, so a broker can come back where it was."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

from medcode_common.events.valkey_server import valkey_binary


class FixedPortValkey:
    """valkey-server bound to 127.0.0.1:`port`, files in `directory`, nothing persisted."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self._directory = directory
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> FixedPortValkey:
        self._directory.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [
                str(valkey_binary()),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self._directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self._directory / "valkey.log"),
            ],  # fmt: skip
            stdin=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return self
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"valkey-server did not start on port {self.port}")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        self._proc = None
