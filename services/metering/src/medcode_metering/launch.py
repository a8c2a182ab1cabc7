"""How `medcode run` starts the embedded Valkey (first) and the metering service (after codes).

Both are published by this package because the Valkey server exists for metering's counters
(durable: append-only file); the event bus shares it in development through the URL the runner
exports to every later service. `MEDCODE_VALKEY_EMBEDDED=false` skips it for an external Redis.
"""

from __future__ import annotations

import sys

from medcode_common.launch import ServiceLaunch
from medcode_metering.embedded_valkey import PORT_ENV, embedded_wanted
from medcode_metering.settings import DEFAULT_PORT, DEFAULT_VALKEY_PORT

VALKEY = ServiceLaunch(
    name="valkey",
    order=5,
    argv=[sys.executable, "-m", "medcode_metering.embedded_valkey"],
    port_env=PORT_ENV,
    default_port=DEFAULT_VALKEY_PORT,
    health="redis",
    exports={
        "MEDCODE_METERING_REDIS_URL": "redis://{address}/0",
        "MEDCODE_EVENTS_REDIS_URL": "redis://{address}/0",
    },
    wanted=embedded_wanted,
)

LAUNCH = ServiceLaunch(
    name="metering",
    order=25,
    argv=[sys.executable, "-m", "medcode_metering"],
    port_env="MEDCODE_METERING_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.metering.v1.MeteringService",  # SERVING while Redis answers
)
