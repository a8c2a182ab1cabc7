"""Who may call each SearchService method; every other caller is refused.

Searches come through the gateway and the assistant (which code fits a description); the
index status (which releases are searchable, whether a rebuild runs) is read-only and open
to the gateway and the operator's CLI.
"""

from __future__ import annotations

from medcode.search.v1 import search_service_pb2 as pb
from medcode_common.service_auth import ASSISTANT, CLI, GATEWAY, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["SearchService"]

POLICY = service_policy(
    SERVICE,
    {
        "Search": {GATEWAY, ASSISTANT},
        "Suggest": {GATEWAY, ASSISTANT},
        "MatchPrefixes": {GATEWAY},
        "GetIndexStatus": {GATEWAY, CLI},
    },
)
