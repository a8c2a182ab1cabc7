"""One logging set-up for every MedCode process, so their output reads the same."""

from __future__ import annotations

import logging
import os

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str | None = None) -> None:
    """Send records to stderr at `level` (default: $MEDCODE_LOG_LEVEL or INFO)."""
    chosen = (level or os.environ.get("MEDCODE_LOG_LEVEL") or "INFO").upper()
    logging.basicConfig(level=chosen, format=LOG_FORMAT, force=True)
    # Health polling makes one request line per probe; keep those out of INFO output.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
