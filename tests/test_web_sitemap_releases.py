"""The sitemap over two releases of one system: each release has its own files; the newest
lists code pages at their plain address, an older one at `?release=`, the page as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from medcode_codes.importers import cpt
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.writer import write_snapshot
from medcode_codes.testing import ServerThread
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

PUBLIC = "https://codes.example.net"
LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
OLDER = "2024-01-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A gateway over a codes service holding the CPT starter set as two releases."""
    data_dir: Path = tmp_path_factory.mktemp("two-releases")
    newest = cpt.release_info()
    older = dataclasses.replace(newest, release=OLDER, effective_date=dt.date(2024, 1, 1))
    for info in (older, newest):
        nodes = cpt.to_nodes(cpt.starter_set(), None, release=info.release)
        write_snapshot(data_dir=data_dir, info=info, nodes=nodes, source_digest=info.release)
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()
    settings = GatewaySettings(
        events=False, codes_addr=f"127.0.0.1:{codes.port}", public_url=PUBLIC
    )
    gateway = UvicornThread(create_app(settings))
    gateway.start()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield client
    gateway.stop()
    codes.stop()


def locations(client: httpx.Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return [loc.text or "" for loc in ElementTree.fromstring(response.content).iter(LOC)]


def test_each_release_has_its_files_and_older_ones_name_their_release(
    site: httpx.Client,
) -> None:
    newest = cpt.release_info().release
    files = locations(site, "/sitemap.xml")
    assert f"{PUBLIC}/sitemaps/cpt-{newest}-1.xml" in files
    assert f"{PUBLIC}/sitemaps/cpt-{OLDER}-1.xml" in files
    current = locations(site, f"/sitemaps/cpt-{newest}-1.xml")
    past = locations(site, f"/sitemaps/cpt-{OLDER}-1.xml")
    assert f"{PUBLIC}/codes/cpt/99213" in current
    assert f"{PUBLIC}/codes/cpt/99213?release={OLDER}" in past
    assert len(current) == len(past) == len(set(current)) > 400
