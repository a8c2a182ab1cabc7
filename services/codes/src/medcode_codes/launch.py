"""How `medcode run` starts the codes service (advertised via the medcode.services entry point)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.settings import DEFAULT_PORT
from medcode_common.launch import ServiceLaunch


def _build_default_data(env: Mapping[str, str]) -> None:
    """Build (or confirm up to date) the default snapshots before the server starts."""
    import_defaults(Path(env.get("MEDCODE_CODES_DATA_DIR") or "var"))


LAUNCH = ServiceLaunch(
    name="codes",
    order=10,
    argv=[sys.executable, "-m", "medcode_codes", "serve"],
    port_env="MEDCODE_CODES_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.codes.v1.CodesService",
    prepare=_build_default_data,
)
