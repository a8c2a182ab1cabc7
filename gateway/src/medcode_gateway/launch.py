"""How `medcode run` starts the gateway (advertised via the medcode.services entry point)."""

from __future__ import annotations

import sys

from medcode_common.launch import ServiceLaunch
from medcode_gateway.settings import DEFAULT_PORT

LAUNCH = ServiceLaunch(
    name="gateway",
    order=100,
    argv=[sys.executable, "-m", "medcode_gateway"],
    port_env="MEDCODE_GATEWAY_PORT",
    default_port=DEFAULT_PORT,
    health="http",
    health_path="/readyz",
    peers={
        "MEDCODE_GATEWAY_CODES_ADDR": "codes",
        "MEDCODE_GATEWAY_SEARCH_ADDR": "search",
        "MEDCODE_GATEWAY_ACCOUNTS_ADDR": "accounts",
        "MEDCODE_GATEWAY_METERING_ADDR": "metering",
        "MEDCODE_GATEWAY_ASSISTANT_ADDR": "assistant",
    },
)
