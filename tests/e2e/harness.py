"""Real-browser test helpers: Debian's chromium, axe-core checks and screenshots.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's driver; no browser is ever
downloaded. axe-core comes from npm (`make tools` installs it under .tools/). Without either,
tests skip with the reason on a developer machine and fail in CI (CI set).
"""

from __future__ import annotations

import email
import os
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MEDCODE_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP_WIDTH, PHONE_WIDTH = 1280, 360
VIEWPORT_HEIGHT = 900
#: axe impacts that fail a page (WCAG 2.1 AA rules and axe's best practices).
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine, fail in CI, where every tool must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so a missing tool is an error)")
    pytest.skip(reason)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.is_file():
        unavailable(f"axe-core not found at {AXE.relative_to(REPO)}; install it with: make tools")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page) -> None:
    """Zero serious or critical axe-core violations on the page."""
    violations = axe_violations(page)
    lines = [f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in violations]
    assert not violations, f"axe-core found on {page.url}:\n" + "\n".join(lines)


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") or 0)


def screenshot(page: Page, name: str) -> list[Path]:
    """Full-page PNGs at desktop and phone width (`<name>-desktop.png`, `<name>-phone.png`);
    at phone width the page must not scroll sideways. The viewport is restored after."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size or {"width": DESKTOP_WIDTH, "height": VIEWPORT_HEIGHT}
    written = []
    try:
        for label, width in (("desktop", DESKTOP_WIDTH), ("phone", PHONE_WIDTH)):
            page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
            if label == "phone":
                overflow = sideways_overflow(page)
                assert overflow <= 0, f"{page.url} scrolls {overflow}px sideways at {width}px"
            path = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
    finally:
        page.set_viewport_size(before)
    return written


def mail_to(outbox: Path, address: str, *, timeout: float = 60.0) -> EmailMessage:
    """The first message to `address` the platform's mail sink wrote, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(message["To"]) and isinstance(message, EmailMessage):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} in {outbox}")
