"""Load the Lua scripts that make each decision atomic, for the asyncio Redis client."""

from __future__ import annotations

from importlib import resources
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript


def load_script(client: Redis, name: str) -> AsyncScript:
    """Register a packaged script: calls use EVALSHA and reload it after NOSCRIPT (a restart).

    Scripts ship as package files so they are reviewed and linted as Lua, not Python strings.
    """
    text = resources.files("medcode_metering").joinpath("lua", name).read_text("utf-8")
    return client.register_script(text)


def text(value: Any) -> str:
    """A reply item as str, whether the client decodes responses or not."""
    return value.decode() if isinstance(value, bytes) else str(value)
