"""`medcode run` catches sign-up mail in a local SMTP sink: a newcomer opens the link from
`<data>/mail/outbox/<id>.eml` (var/mail/outbox with `make run`) and can sign in."""

from __future__ import annotations

import email
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

PASSWORD = "lantern plum violet 42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def platform(codes_data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`medcode run` on free ports; its URL and the sink's folder."""
    medcode = shutil.which("medcode") or str(Path(sys.executable).parent / "medcode")
    gateway_port = free_port()
    outbox = tmp_path / "mail" / "outbox"
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(codes_data_dir),
        "MEDCODE_CODES_PORT": str(free_port()),
        "MEDCODE_GATEWAY_PORT": str(gateway_port),
        "MEDCODE_GATEWAY_COOKIE_SECURE": "false",
        "MEDCODE_SEARCH_PORT": str(free_port()),
        "MEDCODE_SEARCH_INDEX_DIR": str(codes_data_dir / "search"),
        "MEDCODE_VALKEY_PORT": str(free_port()),
        "MEDCODE_VALKEY_DIR": str(tmp_path / "valkey"),
        "MEDCODE_METERING_PORT": str(free_port()),
        "MEDCODE_ACCOUNTS_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_PORT": str(free_port()),
        "MEDCODE_ASSISTANT_METRICS_PORT": "0",
        "MEDCODE_ACCOUNTS_DATA_DIR": str(tmp_path / "accounts"),
        "MEDCODE_ACCOUNTS_PUBLIC_URL": f"http://127.0.0.1:{gateway_port}",
        "MEDCODE_MAIL_SINK_PORT": str(free_port()),
        "MEDCODE_MAIL_SINK_DIR": str(outbox),
    }
    for inherited in ("MEDCODE_METERING_REDIS_URL", "MEDCODE_EVENTS_REDIS_URL"):
        env.pop(inherited, None)  # the runner points every service at its embedded Valkey
    env.pop("MEDCODE_ACCOUNTS_SMTP_ADDR", None)  # the runner points accounts at its sink
    process = subprocess.Popen([medcode, "run"], env=env)
    url = f"http://127.0.0.1:{gateway_port}"
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
        yield url, outbox
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def mail_to(outbox: Path, address: str, *, timeout: float = 60.0) -> EmailMessage:
    """The first message to `address` the sink wrote, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if address in str(message["To"]):
                assert isinstance(message, EmailMessage)
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} in {outbox}")


def test_a_newcomer_opens_the_link_from_the_outbox_folder_and_signs_in(
    platform: tuple[str, Path],
) -> None:
    url, outbox = platform
    address = f"newcomer-{uuid.uuid4().hex[:8]}@example.org"
    credentials = {"email": address, "password": PASSWORD}
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/v1/auth/register", json=credentials).status_code == 202
        message = mail_to(outbox, address)
        body = message.get_body(("plain",))
        assert body is not None
        link = re.search(r"http://\S+/v1/auth/confirm\?token=\S+", body.get_content())
        assert link is not None and link.group(0).startswith(url)
        assert client.get(link.group(0)).json()["status"] == "confirmed"
        session = client.post("/v1/auth/login", json=credentials)
        assert session.status_code == 200 and session.json()["user"]["email"] == address
