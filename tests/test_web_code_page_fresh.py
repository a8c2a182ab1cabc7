"""The code page's cached record is dropped when a release is published: a corrected fee
schedule imported while the page is cached shows on the next views (real hot-reloading codes
service, event bus and gateway)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from medcode_codes.settings import CodesSettings
from medcode_codes.testing_live import (
    PFS_NAME,
    LiveCodesThread,
    corrected_fee_schedule,
    import_in_a_process,
    link_data_dir,
)
from medcode_common.events import EventSettings, create_bus
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

HTML = {"Accept": "text/html"}


@pytest.fixture
def site(
    tmp_path: Path,
    codes_data_dir: Path,
    cms_data: Path,
    metering_redis_url: str,
    accounts_address: str,
    metering_address: str,
    internal_key: str,
) -> Iterator[tuple[httpx.Client, Path]]:
    """A hot-reloading codes service with the real fee schedule and a gateway with its caches
    on, on one event bus; yields a client (internal key) and the codes data dir."""
    data_dir = link_data_dir(codes_data_dir, tmp_path / "codes")
    import_in_a_process(data_dir, "pfs-rvu", cms_data / "pfs_rvu" / PFS_NAME)
    bus = EventSettings(redis_url=metering_redis_url)
    codes = LiveCodesThread(
        CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir, reload_seconds=0.1),
        bus_factory=lambda: create_bus(bus),
    )
    codes.start()
    settings = GatewaySettings(
        codes_addr=f"127.0.0.1:{codes.port}",
        accounts_addr=accounts_address,
        metering_addr=metering_address,
        cookie_secret=SecretStr("fresh-page"),
        cache_ttl_seconds=3600,  # only an announcement may refresh the page
        events_group=f"fresh-page-{tmp_path.name}",
    )
    gateway = UvicornThread(create_app(settings, bus_factory=lambda: create_bus(bus)))
    gateway.start()
    try:
        headers = {"X-API-Key": internal_key, **HTML}
        with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
            yield client, data_dir
    finally:
        gateway.stop()
        codes.stop()


def global_work_rvu(page: httpx.Response) -> str:
    """The work RVU in the fee table's global row."""
    assert page.status_code == 200, page.text[:300]
    found = re.search(r"<tr><td>Global</td><td>([0-9.]+)</td>", page.text)
    assert found, page.text
    return found.group(1)


def test_a_published_release_replaces_the_cached_page(
    site: tuple[httpx.Client, Path], cms_data: Path, tmp_path: Path
) -> None:
    client, data_dir = site
    assert global_work_rvu(client.get("/codes/cpt/99213")) == "1.30"
    cached = client.get("/codes/cpt/99213")
    assert cached.headers["x-cache"] == "hit" and global_work_rvu(cached) == "1.30"
    fixed = corrected_fee_schedule(
        cms_data / "pfs_rvu" / PFS_NAME, tmp_path / "fixed", code="99213", work_rvu="1.50"
    )
    import_in_a_process(data_dir, "pfs-rvu", fixed)  # same release name, corrected rows
    deadline = time.monotonic() + 60
    while global_work_rvu(client.get("/codes/cpt/99213")) != "1.50":
        assert time.monotonic() < deadline, "the corrected fee schedule never showed"
        time.sleep(0.1)
    again = client.get("/codes/cpt/99213")
    assert again.headers["x-cache"] == "hit" and global_work_rvu(again) == "1.50"
