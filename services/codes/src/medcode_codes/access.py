"""Who may call each CodesService method; every other caller is refused.

The gateway serves code pages (metered there, so nobody else may read them); search reads
the release list and the full export it builds its index from.
"""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.service_auth import GATEWAY, SEARCH, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["CodesService"]

POLICY = service_policy(
    SERVICE,
    {
        "GetCode": {GATEWAY},
        "BatchGetCodes": {GATEWAY},
        "ListChildren": {GATEWAY},
        "ListAncestors": {GATEWAY},
        "ValidateCodes": {GATEWAY},
        "CheckPtpEdits": {GATEWAY},
        "GetMue": {GATEWAY},
        "CrosswalkGems": {GATEWAY},
        "GetCcExclusions": {GATEWAY},
        "ListReleases": {GATEWAY, SEARCH},
        "ListDatasets": {GATEWAY, SEARCH},
        "ExportCodes": {SEARCH},
        # The site's sitemap names every code page.
        "ListCodes": {GATEWAY},
        # code page (web)
        "GetNeighbours": {GATEWAY},
        "GetCodeHistory": {GATEWAY},
    },
)
