"""Who may call each CodesService method; every other caller is refused.

The gateway serves code pages (metered there, so nobody else may read them); search reads
the release list and the full export it builds its index from; the assistant (CasePilot)
reads codes, edits and data-set status to ground its answers (the gateway meters its questions).
"""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.service_auth import ASSISTANT, GATEWAY, SEARCH, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["CodesService"]

POLICY = service_policy(
    SERVICE,
    {
        "GetCode": {GATEWAY, ASSISTANT},
        "BatchGetCodes": {GATEWAY, ASSISTANT},
        "ListChildren": {GATEWAY, ASSISTANT},
        "ListAncestors": {GATEWAY, ASSISTANT},
        "ValidateCodes": {GATEWAY, ASSISTANT},
        "CheckPtpEdits": {GATEWAY, ASSISTANT},
        "GetMue": {GATEWAY, ASSISTANT},
        "CrosswalkGems": {GATEWAY, ASSISTANT},
        "GetCcExclusions": {GATEWAY, ASSISTANT},
        "ListReleases": {GATEWAY, SEARCH, ASSISTANT},
        "ListDatasets": {GATEWAY, SEARCH, ASSISTANT},
        "ExportCodes": {SEARCH},
        # The site's sitemap names every code page.
        "ListCodes": {GATEWAY},
        # code page (web)
        "GetNeighbours": {GATEWAY},
        "GetCodeHistory": {GATEWAY},
    },
)
