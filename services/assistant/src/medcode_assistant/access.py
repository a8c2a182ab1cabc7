"""Who may call each AssistantService method; every other caller is refused.

Questions come through the gateway only: it meters them per plan before they reach CasePilot.
"""

from __future__ import annotations

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_common.service_auth import GATEWAY, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["AssistantService"]

POLICY = service_policy(
    SERVICE,
    {
        "Ask": {GATEWAY},
        "AskStream": {GATEWAY},
        "Case2Code": {GATEWAY},
    },
)
