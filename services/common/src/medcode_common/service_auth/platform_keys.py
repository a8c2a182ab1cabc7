"""The keys of `medcode run`: one folder for every process it starts, made on first run."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from pathlib import Path

from medcode_common.service_auth.keys import create_keys

log = logging.getLogger(__name__)

KEYS_DIR_ENV = "MEDCODE_SERVICE_KEYS_DIR"
KEY_FILE_ENV = "MEDCODE_SERVICE_KEY_FILE"


def default_keys_dir(env: MutableMapping[str, str]) -> Path:
    """`pki/` in the platform's data dir ($MEDCODE_CODES_DATA_DIR, `make` sets ./var)."""
    return Path(env.get("MEDCODE_CODES_DATA_DIR") or "var") / "pki"


def prepare_platform_keys(env: MutableMapping[str, str]) -> Path:
    """Create any missing key pair and point every service in `env` at the folder.

    A single MEDCODE_SERVICE_KEY_FILE cannot serve processes with different identities, so
    it is dropped: each process reads its own `<identity>.key.pem` from the folder.
    """
    keys_dir = Path(env.get(KEYS_DIR_ENV) or default_keys_dir(env)).resolve()
    created = create_keys(keys_dir)
    if created:
        log.info("service keys for %s created in %s", ", ".join(created), keys_dir)
    if env.pop(KEY_FILE_ENV, None):
        log.warning("ignoring %s: every service reads its own key from %s", KEY_FILE_ENV, keys_dir)
    env[KEYS_DIR_ENV] = str(keys_dir)
    return keys_dir
