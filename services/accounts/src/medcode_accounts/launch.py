"""How `medcode run` starts the local SMTP sink (first) and the accounts service (after the
embedded Valkey it publishes to).

The sink exists for accounts' sign-up mail in development, so this package publishes it;
`MEDCODE_MAIL_SINK_EMBEDDED=false` skips it when MEDCODE_ACCOUNTS_SMTP_ADDR names a relay.
"""

from __future__ import annotations

import sys

from medcode_accounts.mail_sink import PORT_ENV, embedded_wanted
from medcode_accounts.settings import DEFAULT_PORT, DEFAULT_SMTP_PORT
from medcode_common.launch import ServiceLaunch

MAIL_SINK = ServiceLaunch(
    name="mail-sink",
    order=6,
    argv=[sys.executable, "-m", "medcode_accounts.mail_sink"],
    port_env=PORT_ENV,
    default_port=DEFAULT_SMTP_PORT,
    health="smtp",
    exports={"MEDCODE_ACCOUNTS_SMTP_ADDR": "{address}"},
    wanted=embedded_wanted,
)

LAUNCH = ServiceLaunch(
    name="accounts",
    order=30,
    argv=[sys.executable, "-m", "medcode_accounts"],
    port_env="MEDCODE_ACCOUNTS_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.accounts.v1.AccountsService",
)
