"""robots.txt and the sitemaps over the real gateway and codes service: an index over every
code of every loaded release, files of at most 50,000 URLs, absolute URLs on the configured
public base (MEDCODE_GATEWAY_PUBLIC_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import httpx
import pytest

from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

PUBLIC = "https://medcode.example.org"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def site(service_addresses: dict[str, str]) -> Iterator[httpx.Client]:
    """A gateway that knows its public address, as it would behind a proxy."""
    settings = GatewaySettings.model_validate(
        {**service_addresses, "public_url": PUBLIC + "/", "cookie_secret": "sitemap-tests"}
    )
    server = UvicornThread(create_app(settings))
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.stop()


def locations(client: httpx.Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [loc.text or "" for loc in root.iter(f"{{{NS['s']}}}loc")]


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_private_pages(
    site: httpx.Client,
) -> None:
    text = site.get("/robots.txt").text
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in text.splitlines()
    assert {"Disallow: /search", "Disallow: /account", "Disallow: /v1/"} <= set(text.splitlines())


def test_the_index_covers_every_release_in_files_of_at_most_50000(site: httpx.Client) -> None:
    releases = site.get("/v1/releases").json()
    files = locations(site, "/sitemap.xml")
    assert files[0] == f"{PUBLIC}/sitemaps/pages.xml"
    expected = [
        f"{PUBLIC}/sitemaps/{r['system']}-{r['release']}-{n}.xml"
        for r in releases
        for n in range(1, -(-r["code_count"] // 50_000) + 1)
    ]
    assert sorted(files[1:]) == sorted(expected)
    icd = [f for f in files if "/icd10cm-" in f]
    assert len(icd) == 2  # 98,505 ICD-10-CM nodes


def test_the_code_files_list_every_code_once(site: httpx.Client) -> None:
    release = next(r for r in site.get("/v1/releases").json() if r["system"] == "icd10cm")
    name = f"/sitemaps/icd10cm-{release['release']}"
    first, second = locations(site, f"{name}-1.xml"), locations(site, f"{name}-2.xml")
    assert len(first) == 50_000
    every = first + second
    assert len(every) == len(set(every)) == release["code_count"]
    assert f"{PUBLIC}/codes/icd10cm/E11.9" in every and f"{PUBLIC}/codes/icd10cm/4" in every
    assert all(url.startswith(f"{PUBLIC}/codes/icd10cm/") for url in every)


def test_the_pages_file_lists_home_plans_and_browse(site: httpx.Client) -> None:
    pages = locations(site, "/sitemaps/pages.xml")
    assert {f"{PUBLIC}/", f"{PUBLIC}/plans", f"{PUBLIC}/browse/icd10cm"} <= set(pages)


@pytest.mark.parametrize(
    "path",
    [
        "/sitemaps/icd10cm-2026-04-01-3.xml",
        "/sitemaps/icd10cm-1999-01-01-1.xml",
        "/sitemaps/icd9-2026-04-01-1.xml",
        "/sitemaps/icd10cm-2026-04-01-0.xml",
        "/sitemaps/whatever.xml",
    ],
)
def test_a_sitemap_that_does_not_exist_is_a_404_problem(site: httpx.Client, path: str) -> None:
    response = site.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
