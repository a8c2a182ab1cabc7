"""One logging set-up for every MedCode process, so their output reads the same.

Text lines for people (`make run`), JSON lines for log collectors (containers set
MEDCODE_LOG_FORMAT=json). Every record carries the request id of the request being handled,
or "-" outside one, so one page view can be followed through every service's log.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from medcode_common.json_logs import JsonFormatter
from medcode_common.request_ids import current_request_id

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
LogFormat = Literal["text", "json"]


class LogSettings(BaseSettings):
    """How every process logs, from MEDCODE_LOG_LEVEL and MEDCODE_LOG_FORMAT."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_LOG_", extra="ignore")

    level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR.")
    format: LogFormat = Field(
        default="text", description="text for people (make run); json for log collectors."
    )


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id (unless the caller passed one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes, not the one at set-up (a test
    runner swaps it per test and closes the old one)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        """Ignored: the stream is always the current sys.stderr."""


def build_handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A stderr (or `stream`) handler writing `log_format` lines with request ids."""
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(LOG_FORMAT))
    return handler


def _settings(level: str | None, log_format: str | None) -> LogSettings:
    """The environment's settings, overridden by explicit arguments; bad values say which."""
    overrides = {name: value for name, value in (("level", level), ("format", log_format)) if value}
    try:
        settings = LogSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ValueError(f"MEDCODE_LOG_FORMAT must be 'text' or 'json': {error}") from None
    chosen = settings.level.upper()
    if not isinstance(logging.getLevelName(chosen), int):
        raise ValueError(f"MEDCODE_LOG_LEVEL {settings.level!r} is not a logging level")
    return settings.model_copy(update={"level": chosen})


def configure_logging(level: str | None = None, log_format: str | None = None) -> None:
    """Send records to stderr at `level`, as text or JSON lines (default: from the env)."""
    settings = _settings(level, log_format)
    logging.basicConfig(level=settings.level, handlers=[build_handler(settings.format)], force=True)
    # Health polling makes one request line per probe; keep those out of INFO output.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
