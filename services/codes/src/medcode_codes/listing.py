"""ListCodes: one page of a release's nodes, for callers that must name every code (the
site's sitemap) or every code of a subtree or of the billable codes (FHIR ValueSet/$expand),
without the cost of full records or the export's notes, and with an exact total."""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.errors import CodeNotFound
from medcode_codes.snapshot.reader import Snapshot
from medcode_common.codesystems import System, normalize_code

#: Page size when the caller sets none, and the most one page may hold (a page of summaries
#: stays far below gRPC's message size limits).
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 1000, 10_000


def checked_page(request: pb.ListCodesRequest) -> tuple[int, int]:
    """(offset, page size) of a request, or ValueError saying what is wrong."""
    if request.offset < 0:
        raise ValueError(f"offset must be 0 or more, got {request.offset}")
    if request.page_size < 0 or request.page_size > MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE} (0: {DEFAULT_PAGE_SIZE})")
    return request.offset, request.page_size or DEFAULT_PAGE_SIZE


def subtree_root(snapshot: Snapshot, request: pb.ListCodesRequest) -> str | None:
    """The canonical `under` code (normalised as GetCode does), None for the whole release;
    MalformedCode when it cannot be a code of the system."""
    if not request.under.strip():
        return None
    return normalize_code(System(snapshot.meta.system), request.under)


def list_codes(snapshot: Snapshot, request: pb.ListCodesRequest) -> pb.ListCodesResponse:
    """The page of `snapshot` the request asks for; past the end it is empty, not an error."""
    offset, size = checked_page(request)
    under = subtree_root(snapshot, request)
    if under is None and not request.billable_only:  # the sitemap's listing
        total = snapshot.meta.code_count
        rows = snapshot.summaries_from(offset, limit=size) if offset < total else []
    else:
        found = snapshot.subtree_summaries(
            under, billable_only=request.billable_only, offset=offset, limit=size
        )
        if found is None:
            system = System(snapshot.meta.system)
            raise CodeNotFound(
                f"{under} is not {system.a_label} code in release {snapshot.meta.release}"
            )
        total, rows = found
    response = pb.ListCodesResponse(release=snapshot.meta.release, total_count=total)
    for code, title, kind, billable in rows:
        response.codes.add(code=code, title=title, kind=kind, billable=billable)
    following = offset + len(rows)
    response.next_offset = following if rows and following < total else 0
    return response
