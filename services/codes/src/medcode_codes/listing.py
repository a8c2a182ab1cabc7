"""ListCodes: one page of a release's nodes, for callers that must name every code (the
site's sitemap), without the cost of full records or the export's notes."""

from __future__ import annotations

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_codes.snapshot.reader import Snapshot

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


def list_codes(snapshot: Snapshot, request: pb.ListCodesRequest) -> pb.ListCodesResponse:
    """The page of `snapshot` the request asks for; past the end it is empty, not an error."""
    offset, size = checked_page(request)
    total = snapshot.meta.code_count
    rows = snapshot.summaries_from(offset, limit=size) if offset < total else []
    response = pb.ListCodesResponse(release=snapshot.meta.release, total_count=total)
    for code, title, kind, billable in rows:
        response.codes.add(code=code, title=title, kind=kind, billable=billable)
    following = offset + len(rows)
    response.next_offset = following if rows and following < total else 0
    return response
