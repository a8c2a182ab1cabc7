"""How `medcode run` starts the accounts service (after the embedded Valkey it publishes to)."""

from __future__ import annotations

import sys

from medcode_accounts.settings import DEFAULT_PORT
from medcode_common.launch import ServiceLaunch

LAUNCH = ServiceLaunch(
    name="accounts",
    order=30,
    argv=[sys.executable, "-m", "medcode_accounts"],
    port_env="MEDCODE_ACCOUNTS_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.accounts.v1.AccountsService",
)
