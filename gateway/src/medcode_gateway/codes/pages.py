"""Metered code pages: the rendered-page cache and the answer for one caller.

Both the route (cache misses, first-time guests) and the fast path (cache hits for callers
known without I/O) answer through `page_response`, so metering is applied the same way.
"""

from __future__ import annotations

from collections.abc import Hashable

from fastapi.responses import JSONResponse, Response
from starlette.types import Scope

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.auth.caller import Caller
from medcode_gateway.codes import render
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.metering.views import charge_view, view_limit_problem


def page_key(scope: Scope) -> Hashable:
    """Cache key of a code page: its path and raw query string."""
    return (scope["path"], scope["query_string"])


def cache_entry(reply: pb.GetCodeResponse) -> bytes:
    """What the cache keeps: `system<TAB>canonical code` on the first line, then the JSON body.

    The canonical code is what metering charges, so `e119` and `E11.9` are one view.
    """
    body = JSONResponse(render.code(reply.code)).body
    system_name = render.SYSTEM_BY_ENUM[reply.code.system]
    return f"{system_name}\t{reply.code.code}\n".encode() + bytes(body)


async def page_response(
    *, entry: bytes, caller: Caller, clients: ServiceClients, instance: str, cache_state: str
) -> Response:
    """Charge the caller's view (if metered) and answer with the page or the 403 problem."""
    head, _, body = entry.partition(b"\n")
    system_name, _, canonical = head.decode().partition("\t")
    outcome = await charge_view(caller=caller, system=system_name, code=canonical, clients=clients)
    if not outcome.allowed:
        return view_limit_problem(caller=caller, outcome=outcome, instance=instance)
    response = Response(body, media_type="application/json")
    response.headers["x-cache"] = cache_state
    if outcome.remaining is not None:
        response.headers["X-Views-Remaining"] = str(outcome.remaining)
    return response
