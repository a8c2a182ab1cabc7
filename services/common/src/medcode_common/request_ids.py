"""Request ids: one per page view, carried from the gateway through every service's logs.

The id lives in a contextvar, so every log record written while a request is handled
carries it (asyncio copies the context into each task, so concurrent requests never mix
their ids). Ids from outside are accepted only when they are short and plain, because
they end up in log lines and response headers.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

#: The HTTP header a caller or an ingress may set, echoed on every gateway response.
HEADER = "X-Request-ID"
#: The gRPC metadata key (metadata keys are lower case).
METADATA_KEY = "x-request-id"
#: What log records show when no request is being handled (start-up, background work).
NO_REQUEST = "-"
MAX_LENGTH = 128

_SANE = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_LENGTH}}}")
_current: ContextVar[str] = ContextVar("medcode_request_id", default=NO_REQUEST)


def is_sane(value: str) -> bool:
    """True for 1-128 characters of letters, digits, '.', '_', ':' and '-' (nothing to escape),
    except "-", which means "no request" and would be dropped from outgoing calls."""
    return value != NO_REQUEST and _SANE.fullmatch(value) is not None


def new_request_id() -> str:
    """A fresh random id (uuid4 hex): unique without any coordination between replicas."""
    return uuid.uuid4().hex


def accept_or_new(value: str | None) -> str:
    """`value` when it is a sane id, else a new one: a caller can never inject log text."""
    return value if value is not None and is_sane(value) else new_request_id()


def current_request_id() -> str:
    """The id bound to the running request, or "-" outside one."""
    return _current.get()


@contextmanager
def bound_request_id(value: str) -> Iterator[str]:
    """Bind `value` as the current id for the block, restoring the previous one after."""
    token = _current.set(value)
    try:
        yield value
    finally:
        # A stream abandoned by its client is finalised in another context, where there is
        # nothing of ours to restore.
        with suppress(ValueError):
            _current.reset(token)


Metadata = Iterable[tuple[str, str | bytes]]


def from_metadata(metadata: Metadata | None) -> str | None:
    """The `x-request-id` value of gRPC invocation metadata, if any (the first one wins)."""
    for key, value in metadata or ():
        if key == METADATA_KEY:
            return value if isinstance(value, str) else None
    return None


def outgoing_metadata(metadata: Metadata | None) -> list[tuple[str, str | bytes]] | None:
    """`metadata` with the current request id, or None when no request is bound."""
    request_id = _current.get()
    if request_id == NO_REQUEST:
        return None
    pairs = [(key, value) for key, value in metadata or () if key != METADATA_KEY]
    pairs.append((METADATA_KEY, request_id))
    return pairs
