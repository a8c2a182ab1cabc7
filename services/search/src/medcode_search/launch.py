"""How `medcode run` starts the search service (after codes, before the gateway)."""

from __future__ import annotations

import sys

from medcode_common.launch import ServiceLaunch
from medcode_search.settings import DEFAULT_PORT

LAUNCH = ServiceLaunch(
    name="search",
    order=20,
    argv=[sys.executable, "-m", "medcode_search"],
    port_env="MEDCODE_SEARCH_PORT",
    default_port=DEFAULT_PORT,
    health="grpc",
    health_service="medcode.search.v1.SearchService",  # SERVING once an index is loaded
    peers={"MEDCODE_SEARCH_CODES_ADDR": "codes"},
)
