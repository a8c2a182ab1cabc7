"""The code page, `/codes/{system}/{code}`: a code at a glance, metered like the API.

The record is fetched and rendered once per code (`code_record`), the view is charged per
request (`code_meter`): guests read the descriptions with the other sections locked,
signed-in users read everything while they have views, and a visitor with no views left
still gets a 200 page with the code, its title and the way to more views.
"""

from __future__ import annotations

import json
import logging
import re

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from medcode_common.codesystems import MalformedCode, System, normalize_code
from medcode_gateway.auth.caller import remember_guest
from medcode_gateway.web.code_meter import charge_page_view, page_caller, site_user
from medcode_gateway.web.code_record import RenderedCode, deleted_code, load_record
from medcode_gateway.web.templating import canonical_url_for, render

log = logging.getLogger(__name__)
#: A release name as the codes service writes them (dates, "starter-2025", "2026q2").
RELEASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
router = APIRouter(include_in_schema=False)
SYSTEMS = {system.value: system for system in System}
#: Search engines show about this many characters of a title and a description.
TITLE_CHARS, DESCRIPTION_CHARS = 70, 155
#: Characters that may not appear raw inside a <script> element's JSON.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def clip(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}\u2026"


def json_ld(record: RenderedCode, url: str) -> Markup:
    """schema.org MedicalCode for search engines, safe inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalCode",
        "codeValue": record.code,
        "codingSystem": record.system_label,
        "name": record.title,
        "description": record.summary,
        "url": url,
    }
    return Markup(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


async def problem_page(
    request: Request, status: int, heading: str, message: str, *, query: str, system: str = ""
) -> Response:
    """An HTML 400/404 that helps: search for what was typed, or browse the system."""
    label = SYSTEMS[system].label if system in SYSTEMS else ""
    context = {
        "heading": heading,
        "message": message,
        "query": query,
        "system": system,
        "system_label": label,
    }
    return await render(request, "code_page_error.html", context, status=status)


async def missing_code_page(request: Request, system: System, code: str, detail: str) -> Response:
    """410 for a code an older loaded release had (what it was, and when it went), else 404."""
    deleted = await deleted_code(request.app.state.clients, system, code)
    if deleted is None:
        message = f"{code} is not {system.a_label} code in the loaded releases. {detail}"
        return await problem_page(
            request, 404, "Code not found", message, query=code, system=system.value
        )
    last_seen, gone_in = deleted
    message = (
        f"{code} \u201c{last_seen.title}\u201d was {system.a_label} code in release "
        f"{last_seen.release} and was deleted in release {gone_in}. Search for the code that "
        "replaces it."
    )
    heading = f"{code} was deleted"
    return await problem_page(request, 410, heading, message, query=code, system=system.value)


@router.get("/codes/{system_name}/{code}", response_class=Response)
async def code_page(request: Request, system_name: str, code: str) -> Response:
    """One code's page (canonical URL: lower-case system, canonical code)."""
    system = SYSTEMS.get(system_name.lower())
    if system is None:
        names = ", ".join(s.label for s in System)
        message = f"MedCode has no code system called \u201c{system_name}\u201d. It knows {names}."
        return await problem_page(request, 404, "Unknown code system", message, query=code)
    try:
        canonical = normalize_code(system, code)
    except MalformedCode as error:
        return await problem_page(
            request, 400, "Not a valid code", str(error), query=code, system=system.value
        )
    release = request.query_params.get("release", "")
    if release and not RELEASE_NAME.fullmatch(release):
        message = f"\u201c{release[:40]}\u201d is not a release name (for example 2026-04-01)."
        return await problem_page(
            request, 400, "Not a release", message, query=canonical, system=system.value
        )
    path = f"/codes/{system.value}/{canonical}" + (f"?release={release}" if release else "")
    if (system_name, code) != (system.value, canonical):
        return RedirectResponse(path, status_code=301)
    try:
        record, cache_state = await load_record(request, system, canonical, release)
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
        if release:
            message = f"{error.details() or 'Not found.'} Try the code in the newest release."
            return await problem_page(
                request, 404, "Not in that release", message, query=canonical, system=system.value
            )
        return await missing_code_page(request, system, canonical, error.details() or "")
    caller = await page_caller(request)
    meter = await charge_page_view(request, caller, system.value, canonical)
    url = canonical_url_for(request, path)
    context = {
        "user": site_user(caller),
        "meter": meter,
        "page_title": clip(f"{record.code}: {record.title}", TITLE_CHARS)
        + f" - {record.system_label} code",
        "description": clip(
            f"{record.system_label} {record.code}: {record.summary}. Notes, hierarchy and "
            "coding details.",
            DESCRIPTION_CHARS,
        ),
        "canonical": url,
        "json_ld": json_ld(record, url),
        "record_header": Markup(record.header),
        "record_descriptions": Markup(record.descriptions),
        "record_sections": Markup(record.sections),
        "record_locked": Markup(record.locked),
        "record_pager": Markup(record.pager),
        "casepilot": {"system": system.value, "code": canonical},
    }
    headers = {"Cache-Control": "private, no-cache", "X-Cache": cache_state}
    if meter.remaining is not None:
        headers["X-Views-Remaining"] = str(meter.remaining)
    response = await render(request, "code_page.html", context, headers=headers)
    remember_guest(response, caller, request)
    return response
