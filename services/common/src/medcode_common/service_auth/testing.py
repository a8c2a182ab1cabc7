"""One keyring per test session, so every real server a test starts enforces authentication.

Registered as a pytest11 plugin: before any test runs, a fresh temp folder gets a key pair
for every identity and MEDCODE_SERVICE_KEYS_DIR points at it (servers started in threads or
subprocesses read it like production reads its mounted Secret). Test clients then sign as the
identity they play with `medcode_common.service_auth.channel(...)`. Benchmarks use
`temporary_keyring()` the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from medcode_common.service_auth.keys import create_keys

KEYS_DIR_ENV = "MEDCODE_SERVICE_KEYS_DIR"
KEY_FILE_ENV = "MEDCODE_SERVICE_KEY_FILE"


@contextmanager
def temporary_keyring() -> Iterator[Path]:
    """Keys for every identity in a temp folder, exported for this process and its children."""
    saved = {name: os.environ.get(name) for name in (KEYS_DIR_ENV, KEY_FILE_ENV)}
    folder = Path(tempfile.mkdtemp(prefix="medcode-pki-"))
    create_keys(folder)
    os.environ[KEYS_DIR_ENV] = str(folder)
    os.environ.pop(KEY_FILE_ENV, None)  # each process finds its own key in the folder
    try:
        yield folder
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


_session = ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    """Make the session keyring before collection (fixtures and subprocesses inherit it)."""
    _session.enter_context(temporary_keyring())


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session keyring and restore the environment."""
    _session.close()


@pytest.fixture(scope="session")
def service_keys_dir() -> Path:
    """The session keyring's folder (every identity's key pair)."""
    return Path(os.environ[KEYS_DIR_ENV])
