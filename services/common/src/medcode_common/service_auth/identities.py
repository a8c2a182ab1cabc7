"""The identities MedCode processes call each other as: one key pair each."""

from __future__ import annotations

GATEWAY = "gateway"
CODES = "codes"
SEARCH = "search"
METERING = "metering"
ACCOUNTS = "accounts"
ASSISTANT = "assistant"
#: The operator's `medcode` command (operator API keys, diagnostics).
CLI = "cli"

#: Every identity `medcode run` makes a key pair for, in a stable order.
IDENTITIES: tuple[str, ...] = (GATEWAY, CODES, SEARCH, METERING, ACCOUNTS, ASSISTANT, CLI)


def check_identity(name: str) -> str:
    """`name` when it is a known identity; a ValueError naming the known ones otherwise."""
    if name not in IDENTITIES:
        raise ValueError(f"unknown service identity {name!r}; known: {', '.join(IDENTITIES)}")
    return name
