"""How `medcode run` starts the assistant service (after codes and search, before the gateway)."""

from __future__ import annotations

import sys

from medcode_assistant.settings import DEFAULT_PORT
from medcode_common.launch import ServiceLaunch

LAUNCH = ServiceLaunch(
    name="assistant",
    order=40,
    argv=[sys.executable, "-m", "medcode_assistant"],
    port_env="MEDCODE_ASSISTANT_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.assistant.v1.AssistantService",
    peers={
        "MEDCODE_ASSISTANT_CODES_ADDR": "codes",
        "MEDCODE_ASSISTANT_SEARCH_ADDR": "search",
    },
)
