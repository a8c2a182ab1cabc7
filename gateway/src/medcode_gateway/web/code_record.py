"""A code page's record: fetched from the codes service once, rendered once, then cached.

What a visitor may see is decided per request (`code_meter`), but the rendered sections of a
code are the same for everyone, so they are kept in the gateway's page cache (cleared with it
when a release is published, `core.freshness`) and a repeat view costs a dictionary read.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass
from typing import Any

import grpc
from starlette.requests import Request

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import System
from medcode_gateway.core.cache import ResponseCache
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.web.code_view import code_view
from medcode_gateway.web.templating import environment

#: Keys of this page's entries in the shared page cache (API entries are keyed by path).
CACHE_TAG = "web-code-page"


@dataclass(frozen=True, slots=True)
class RenderedCode:
    """One code's page parts: plain facts for the head and the paywall, and HTML fragments."""

    system: str
    system_label: str
    code: str
    title: str
    release: str
    summary: str
    header: str
    descriptions: str
    sections: str
    locked: str
    pager: str

    def to_bytes(self) -> bytes:
        """The cache's form of the record."""
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> RenderedCode:
        """A record from its cached form."""
        return cls(**json.loads(body))


async def _optional(call: Any) -> Any:
    """A secondary section's reply, or None when its RPC fails (the page still renders)."""
    try:
        return await call
    except grpc.aio.AioRpcError:
        return None


def render_record(view: dict[str, Any]) -> RenderedCode:
    """Render the visitor-independent fragments of a code page."""
    fragments = environment.get_template("code/sections.html").module
    summary = view["official"] or view["plain"] or view["title"]
    return RenderedCode(
        system=view["system"],
        system_label=view["system_label"],
        code=view["code"],
        title=view["title"],
        release=view["release"],
        summary=summary,
        header=str(fragments.header(view)),  # type: ignore[attr-defined]
        descriptions=str(fragments.descriptions(view)),  # type: ignore[attr-defined]
        sections=str(fragments.sections(view)),  # type: ignore[attr-defined]
        locked=str(fragments.locked(view)),  # type: ignore[attr-defined]
        pager=str(fragments.pager(view)),  # type: ignore[attr-defined]
    )


async def fetch_record(
    clients: ServiceClients, system: System, code: str, release: str = ""
) -> RenderedCode:
    """Ask the codes service for the code, its neighbours and its history at once (one round
    trip of latency), and render them; only the code itself is required. `release` names an
    older release to show the code as it was then (empty: the newest)."""
    selector = pb.ReleaseSelector(release=release)
    record_reply, neighbours, history = await asyncio.gather(
        clients.codes.GetCode(
            pb.GetCodeRequest(system=system.proto, code=code, release=selector),
            timeout=clients.timeout,
        ),
        _optional(
            clients.codes.GetNeighbours(
                pb.GetNeighboursRequest(system=system.proto, code=code, release=selector),
                timeout=clients.timeout,
            )
        ),
        _optional(
            clients.codes.GetCodeHistory(
                pb.GetCodeHistoryRequest(system=system.proto, code=code), timeout=clients.timeout
            )
        ),
    )
    record = record_reply.code
    if neighbours is not None and neighbours.release != record.release:
        neighbours = None  # a release was published between the calls; the next fetch has it
    view = code_view(record, neighbours=neighbours, history=history)
    return render_record(view)


async def load_record(
    request: Request, system: System, code: str, release: str = ""
) -> tuple[RenderedCode, str]:
    """The rendered record of a canonical code (in `release`, or the newest), from the cache
    or the codes service, and whether the cache had it ("hit" or "miss")."""
    cache: ResponseCache = request.app.state.page_cache
    key = (CACHE_TAG, system.value, code, release)
    entry = cache.get(key)
    if entry is not None:
        return RenderedCode.from_bytes(entry), "hit"
    generation = cache.generation
    record = await fetch_record(request.app.state.clients, system, code, release)
    cache.put(key, record.to_bytes(), generation=generation)
    return record, "miss"


async def deleted_code(
    clients: ServiceClients, system: System, code: str
) -> tuple[pb.CodeInRelease, str] | None:
    """For a code the newest release lacks: its last loaded release that had it and the first
    that did not, or None when no loaded release ever had it."""
    try:
        history = await clients.codes.GetCodeHistory(
            pb.GetCodeHistoryRequest(system=system.proto, code=code), timeout=clients.timeout
        )
    except grpc.aio.AioRpcError:
        return None
    found: tuple[pb.CodeInRelease, str] | None = None
    for older, newer in zip(history.releases, history.releases[1:], strict=False):
        if older.present and not newer.present:
            found = (older, newer.release)  # the latest deletion wins
    return found
