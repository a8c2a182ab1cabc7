"""The whole platform as a newcomer starts it (`medcode run`), and Chromium visiting it.

One platform and one browser serve every e2e test; each test's `page` is a fresh browser
context (its own cookies) with its own client address, so each is a new visitor.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from .harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP_WIDTH, VIEWPORT_HEIGHT, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Site:
    """The running platform: the site's URL, the mail sink's folder and the run's settings."""

    url: str
    outbox: Path
    env: dict[str, str]


@pytest.fixture(scope="package")
def site(codes_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`medcode run` on free ports with its own data dirs, as `make run` starts it."""
    medcode = shutil.which("medcode") or str(Path(sys.executable).parent / "medcode")
    run_dir = tmp_path_factory.mktemp("site")
    gateway_port = free_port()
    url = f"http://127.0.0.1:{gateway_port}"
    outbox = run_dir / "mail" / "outbox"
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(codes_data_dir),
        "MEDCODE_CODES_PORT": str(free_port()),
        "MEDCODE_CODES_METRICS_PORT": "0",
        "MEDCODE_GATEWAY_PORT": str(gateway_port),
        "MEDCODE_GATEWAY_PUBLIC_URL": url,
        # Each test's browser context says who it is (X-Forwarded-For): a fresh visitor each.
        "MEDCODE_GATEWAY_TRUSTED_PROXIES": "127.0.0.1/32",
        "MEDCODE_SEARCH_PORT": str(free_port()),
        "MEDCODE_SEARCH_INDEX_DIR": str(codes_data_dir / "search"),
        "MEDCODE_VALKEY_PORT": str(free_port()),
        "MEDCODE_VALKEY_DIR": str(run_dir / "valkey"),
        "MEDCODE_METERING_PORT": str(free_port()),
        "MEDCODE_ACCOUNTS_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_METRICS_PORT": "0",
        "MEDCODE_ACCOUNTS_DATA_DIR": str(run_dir / "accounts"),
        "MEDCODE_ACCOUNTS_PUBLIC_URL": url,
        "MEDCODE_SERVICE_KEYS_DIR": str(run_dir / "pki"),
        "MEDCODE_MAIL_SINK_PORT": str(free_port()),
        "MEDCODE_MAIL_SINK_DIR": str(outbox),
    }
    for inherited in ("MEDCODE_METERING_REDIS_URL", "MEDCODE_EVENTS_REDIS_URL"):
        env.pop(inherited, None)  # the runner points every service at its embedded Valkey
    env.pop("MEDCODE_ACCOUNTS_SMTP_ADDR", None)  # and accounts at its mail sink
    process = subprocess.Popen([medcode, "run"], env=env)
    deadline = time.monotonic() + 240
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "medcode run exited during start-up"
            assert time.monotonic() < deadline, "platform not ready in 240 s"
            time.sleep(0.2)
        yield Site(url=url, outbox=outbox, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """Debian's chromium under Playwright, headless, with a fresh temporary profile; stopped
    with the browser tests, since Playwright's sync API keeps an event loop running in the
    main thread that later tests' asyncio.run would trip over."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not found; install Debian's chromium: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: pip install -r requirements-dev.txt")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


_VISITOR_ADDRESSES = itertools.count(1)


@pytest.fixture
def page(chromium: Browser, site: Site) -> Iterator[Page]:
    """A new visitor: a fresh browser context (no cookies) with its own client address."""
    n = next(_VISITOR_ADDRESSES)
    context = chromium.new_context(
        base_url=site.url,
        viewport={"width": DESKTOP_WIDTH, "height": VIEWPORT_HEIGHT},
        extra_http_headers={"X-Forwarded-For": f"198.18.{n // 250}.{n % 250 + 1}"},
        locale="en-US",
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
