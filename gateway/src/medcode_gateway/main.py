"""Run the gateway with uvicorn (`medcode-gateway`)."""

from __future__ import annotations

import uvicorn

from medcode_common.logs import configure_logging
from medcode_gateway.settings import GatewaySettings


def main() -> None:
    """Serve on MEDCODE_GATEWAY_HOST:MEDCODE_GATEWAY_PORT until SIGINT/SIGTERM."""
    configure_logging()
    settings = GatewaySettings()
    uvicorn.run(
        "medcode_gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        # The gateway alone decides who the client is (MEDCODE_GATEWAY_TRUSTED_PROXIES);
        # uvicorn's own handling would believe X-Forwarded-For from any loopback peer.
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
