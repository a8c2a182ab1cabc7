"""robots.txt and the sitemaps: an index over every code of every loaded release, in files of
at most 50,000 URLs (`/sitemaps/{system}-{release}-{n}.xml`), plus one file of site pages.

URLs are absolute, built from MEDCODE_GATEWAY_PUBLIC_URL. A code of a system's newest
release is listed at its code page; a code of an older release at that page with
`?release=`, the address that shows it as it was then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from math import ceil
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_common.codesystems import PROTO_TO_SYSTEM, System
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import Problem
from medcode_gateway.web.catalog import code_path, loaded_releases, loaded_systems
from medcode_gateway.web.templating import canonical_url_for, public_base_url

router = APIRouter(include_in_schema=False)

#: The sitemaps protocol's limit of URLs per file.
URLS_PER_FILE = 50_000
#: Codes asked for per ListCodes call (the RPC's largest page).
LIST_PAGE = 10_000
XML_MEDIA_TYPE = "application/xml; charset=utf-8"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Sitemaps change only when a release is imported; crawlers may keep them an hour.
CACHE_CONTROL = "public, max-age=3600"
FILE_NAME = re.compile(
    r"(?P<system>[a-z0-9]+)-(?P<release>[A-Za-z0-9._-]+)-(?P<n>[1-9][0-9]{0,5})\.xml"
)
#: Paths crawlers have no business in: personal pages, forms, the API and search results.
DISALLOWED = ("/search", "/account", "/login", "/register", "/logout", "/v1/", "/api/")


def file_count(release: pb.Release) -> int:
    """How many sitemap files a release's codes fill."""
    return max(1, ceil(release.code_count / URLS_PER_FILE))


def file_name(system: System, release: str, number: int) -> str:
    """The path of one sitemap file of a release."""
    return f"/sitemaps/{system.value}-{release}-{number}.xml"


def xml(body: str) -> Response:
    """An XML document crawlers may cache for a while."""
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
        media_type=XML_MEDIA_TYPE,
        headers={"Cache-Control": CACHE_CONTROL},
    )


@router.get("/robots.txt", response_class=PlainTextResponse)
async def robots(request: Request) -> PlainTextResponse:
    """Crawl everything but personal pages, forms, search results and the API."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /", ""]
    lines.append(f"Sitemap: {canonical_url_for(request, '/sitemap.xml')}")
    return PlainTextResponse("\n".join(lines) + "\n", headers={"Cache-Control": CACHE_CONTROL})


@router.get("/sitemap.xml")
async def sitemap_index(request: Request) -> Response:
    """The index: the site-pages file, then every release's code files."""
    clients: ServiceClients = request.app.state.clients
    entries = [
        f"<sitemap><loc>{escape(canonical_url_for(request, '/sitemaps/pages.xml'))}</loc></sitemap>"
    ]
    for release in await loaded_releases(clients):
        system = PROTO_TO_SYSTEM.get(release.system)
        if system is None:
            continue
        for number in range(1, file_count(release) + 1):
            loc = canonical_url_for(request, file_name(system, release.release, number))
            entries.append(
                f"<sitemap><loc>{escape(loc)}</loc>"
                f"<lastmod>{escape(release.effective_date)}</lastmod></sitemap>"
            )
    return xml(f'<sitemapindex xmlns="{NAMESPACE}">\n' + "\n".join(entries) + "\n</sitemapindex>\n")


@router.get("/sitemaps/pages.xml")
async def pages_sitemap(request: Request) -> Response:
    """The site's own pages: home, plans, browse and each code system's browse page."""
    clients: ServiceClients = request.app.state.clients
    paths = ["/", "/browse", "/plans"]
    paths += [f"/browse/{loaded.system.value}" for loaded in await loaded_systems(clients)]
    return xml(url_set(canonical_url_for(request, path) for path in paths))


def url_set(locations: Iterable[str], *, lastmod: str = "") -> str:
    """A `<urlset>` of absolute URLs."""
    modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    rows = "\n".join(f"<url><loc>{escape(loc)}</loc>{modified}</url>" for loc in locations)
    return f'<urlset xmlns="{NAMESPACE}">\n{rows}\n</urlset>\n'


async def release_named(
    clients: ServiceClients, system: System, name: str
) -> tuple[pb.Release, bool]:
    """The loaded release of `system` called `name`, and whether it is the system's newest."""
    reply = await clients.codes.ListReleases(
        pb.ListReleasesRequest(system=system.proto), timeout=clients.timeout
    )
    for position, release in enumerate(reply.releases):
        if release.release == name:
            return release, position == 0
    raise Problem(404, f"no {system.label} release {name!r} is loaded")


async def codes_in_file(
    clients: ServiceClients, system: System, release: str, number: int
) -> list[str]:
    """The codes sitemap file `number` of a release lists, read a page at a time."""
    codes: list[str] = []
    offset = (number - 1) * URLS_PER_FILE
    end = offset + URLS_PER_FILE
    while offset < end:
        reply = await clients.codes.ListCodes(
            pb.ListCodesRequest(
                system=system.proto,
                release=pb.ReleaseSelector(release=release),
                offset=offset,
                page_size=min(LIST_PAGE, end - offset),
            ),
            timeout=clients.timeout,
        )
        codes.extend(summary.code for summary in reply.codes)
        if not reply.next_offset:
            break
        offset = reply.next_offset
    return codes


@router.get("/sitemaps/{name}")
async def codes_sitemap(request: Request, name: str) -> Response:
    """One file of a release's code pages (at most 50,000)."""
    found = FILE_NAME.fullmatch(name)
    if found is None or found["system"] not in set(System):
        raise Problem(404, f"no sitemap named {name!r}")
    system, number = System(found["system"]), int(found["n"])
    clients: ServiceClients = request.app.state.clients
    release, newest = await release_named(clients, system, found["release"])
    if number > file_count(release):
        raise Problem(
            404, f"{system.label} {release.release} has {file_count(release)} sitemap files"
        )
    query = "" if newest else f"?release={release.release}"
    codes = await codes_in_file(clients, system, release.release, number)
    base = public_base_url(request)  # once, not per code
    urls = (f"{base}{code_path(system.value, code)}{query}" for code in codes)
    return xml(url_set(urls, lastmod=release.effective_date))
