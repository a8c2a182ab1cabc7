"""Pytest fixtures: a real assistant service on loopback over the real codes and search
services (pytest11).

`assistant_address` reads the codes service named by `assistant_codes_address` (by default
`codes_address`, the default snapshots; the cross-service tests point it at the reference
data with every CMS data set) and `search_address`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcode_assistant.knowledge_port import Knowledge
from medcode_assistant.server import AssistantRuntime
from medcode_assistant.settings import AssistantSettings
from medcode_common.loop_thread import LoopThread

_PACKAGED: object = object()


class AssistantThread(LoopThread):
    """The assistant service on its own event loop; `start()` returns once it serves."""

    name = "assistant-server"

    def __init__(self, settings: AssistantSettings, *, knowledge: object = _PACKAGED) -> None:
        super().__init__()
        self._settings = settings
        self._knowledge = knowledge
        self.runtime: AssistantRuntime | None = None
        self.port = 0

    @property
    def address(self) -> str:
        """host:port of the running service."""
        return f"127.0.0.1:{self.port}"

    async def startup(self) -> None:
        if self._knowledge is _PACKAGED:
            self.runtime = AssistantRuntime(self._settings)
        else:
            self.runtime = AssistantRuntime(self._settings, knowledge=self._knowledge)
        self.port = self.runtime.port
        await self.runtime.start()

    async def shutdown(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()


def loopback_settings(
    codes_address: str, search_address: str, **overrides: object
) -> AssistantSettings:
    """Settings for a test or bench server: port 0 on 127.0.0.1, no /metrics listener."""
    return AssistantSettings(
        host="127.0.0.1",
        port=0,
        metrics_port=0,
        codes_addr=codes_address,
        search_addr=search_address,
        **overrides,  # type: ignore[arg-type]
    )


def serve_assistant(
    codes_address: str,
    search_address: str,
    *,
    knowledge: Knowledge | None | object = _PACKAGED,
    **overrides: object,
) -> AssistantThread:
    """Start an assistant server (stop it with `.stop()`)."""
    thread = AssistantThread(
        loopback_settings(codes_address, search_address, **overrides), knowledge=knowledge
    )
    thread.start()
    return thread


@pytest.fixture(scope="session")
def assistant_codes_address(codes_address: str) -> str:
    """The codes service the session's assistant reads (override for other data)."""
    return codes_address


@pytest.fixture(scope="session")
def assistant_address(assistant_codes_address: str, search_address: str) -> Iterator[str]:
    """host:port of a real assistant service over the real codes and search services."""
    server = serve_assistant(assistant_codes_address, search_address)
    yield server.address
    server.stop()
