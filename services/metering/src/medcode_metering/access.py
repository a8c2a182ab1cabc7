"""Who may call each MeteringService method; every other caller is refused.

Only the gateway spends views and quota (it is where pages are served); LinkGuest is the
accounts service's direct path to what `user.registered` does through the event consumer.
"""

from __future__ import annotations

from medcode.metering.v1 import metering_service_pb2 as pb
from medcode_common.service_auth import ACCOUNTS, GATEWAY, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["MeteringService"]

POLICY = service_policy(
    SERVICE,
    {
        "ConsumeView": {GATEWAY},
        "GetViewAllowance": {GATEWAY},
        "TakeQuota": {GATEWAY},
        "LinkGuest": {ACCOUNTS},
        "ConsumeQuestion": {GATEWAY},
    },
)
