"""Fresh answers: a corrected file imported while a code page is cached shows on the next
requests, through the real codes service (hot reload), event bus and gateway."""

from __future__ import annotations

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


@pytest.fixture
def stack(
    tmp_path: Path,
    codes_data_dir: Path,
    cms_data: Path,
    metering_redis_url: str,
    accounts_address: str,
    metering_address: str,
    internal_key: str,
) -> Iterator[tuple[httpx.Client, Path]]:
    """A hot-reloading codes service with the real fee schedule, a gateway with its caches on,
    both on one event bus; yields a client (internal key) and the data dir."""
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
        cookie_secret=SecretStr("fresh"),
        cache_ttl_seconds=3600,  # only an announcement may refresh the page
        events_group=f"fresh-answers-{tmp_path.name}",
    )
    gateway = UvicornThread(create_app(settings, bus_factory=lambda: create_bus(bus)))
    gateway.start()
    headers = {"X-API-Key": internal_key}
    try:
        with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
            yield client, data_dir
    finally:
        gateway.stop()
        codes.stop()


def work_rvu(page: httpx.Response) -> str:
    return str({row["modifier"]: row for row in page.json()["fee_schedule"]}[""]["work_rvu"])


def test_a_corrected_fee_schedule_replaces_the_cached_page(
    stack: tuple[httpx.Client, Path], cms_data: Path, tmp_path: Path
) -> None:
    client, data_dir = stack
    assert work_rvu(client.get("/v1/codes/cpt/99213")) == "1.30"
    cached = client.get("/v1/codes/cpt/99213")
    assert cached.headers["x-cache"] == "hit" and work_rvu(cached) == "1.30"
    fixed = corrected_fee_schedule(
        cms_data / "pfs_rvu" / PFS_NAME, tmp_path / "fixed", code="99213", work_rvu="1.50"
    )
    import_in_a_process(data_dir, "pfs-rvu", fixed)  # same release name, corrected rows
    deadline = time.monotonic() + 60
    while work_rvu(page := client.get("/v1/codes/cpt/99213")) != "1.50":
        assert time.monotonic() < deadline, "the corrected fee schedule never showed"
        time.sleep(0.1)
    assert page.json()["datasets"][0]["content_digest"]
    again = client.get("/v1/codes/cpt/99213")
    assert again.headers["x-cache"] == "hit" and work_rvu(again) == "1.50"
