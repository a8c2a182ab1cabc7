"""Two loaded releases of one system: a code missing from the release asked for is answered
with the release that has it, by $validate-code (result false) and $lookup (404).

The second release is a (test) CPT licence file imported as an operator would
(`medcode import cpt FILE --release ...`), beside the default data, into a data dir of its
own; a codes service and a gateway serve it for this module only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from medcode_common.health_probe import grpc_serving
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

from .models import fhir_json, outcome, parameter

CPT = "http://www.ama-assn.org/go/cpt"
LICENSED_RELEASE = "2026"
#: In the licence file only; MedCode's own made-up words, not AMA text.
NEW_CODE = "0997T"
NEW_TITLE = "Calibration of a test widget, made-up wording for MedCode's tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _linked_data_dir(source: Path, target: Path) -> Path:
    """A data dir serving `source`'s snapshots and data sets through symbolic links."""
    for area in ("snapshots", "datasets"):
        for path in sorted((source / area).glob("*/*.sqlite")):
            linked = target / area / path.parent.name / path.name
            linked.parent.mkdir(parents=True, exist_ok=True)
            linked.symlink_to(path)
    return target


@pytest.fixture(scope="module")
def two_releases(
    codes_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    accounts_address: str,
    metering_address: str,
    search_address: str,
    internal_key: str,
) -> Iterator[httpx.Client]:
    """A gateway over the default data plus a licensed CPT release."""
    folder = tmp_path_factory.mktemp("fhir-releases")
    data_dir = _linked_data_dir(codes_data_dir, folder / "codes")
    licence = folder / "LONGULT.txt"
    licence.write_text(f"{NEW_CODE}\t{NEW_TITLE}\n99213\tOffice visit, test wording\n")
    operator = [sys.executable, "-m", "medcode_common.cli", "import", "cpt", str(licence)]
    subprocess.run(
        [*operator, "--release", LICENSED_RELEASE, "--data-dir", str(data_dir)],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    env = {
        **os.environ,
        "MEDCODE_CODES_DATA_DIR": str(data_dir),
        "MEDCODE_CODES_HOST": "127.0.0.1",
        "MEDCODE_CODES_PORT": str(port),
        "MEDCODE_CODES_METRICS_PORT": "0",
        "MEDCODE_CODES_RELOAD_SECONDS": "0",
        "MEDCODE_CODES_EVENTS": "false",
    }
    codes = subprocess.Popen(
        [sys.executable, "-m", "medcode_codes", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not grpc_serving(address) and time.monotonic() < deadline:
            assert codes.poll() is None, "the codes service exited"
            time.sleep(0.2)
        settings = GatewaySettings(
            events=False,
            codes_addr=address,
            accounts_addr=accounts_address,
            metering_addr=metering_address,
            search_addr=search_address,
        )
        gateway = UvicornThread(create_app(settings))
        gateway.start()
        headers = {"X-API-Key": internal_key}
        with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
            yield client
        gateway.stop()
    finally:
        codes.terminate()
        codes.wait(timeout=30)


def _starter_release(client: httpx.Client) -> str:
    releases = [r["release"] for r in client.get("/v1/releases").json() if r["system"] == "cpt"]
    assert LICENSED_RELEASE in releases and len(releases) == 2, releases
    [starter] = [r for r in releases if r != LICENSED_RELEASE]
    return starter


def _value(body: dict[str, Any], name: str) -> Any:
    [entry] = parameter(body, name)
    return next(v for k, v in entry.items() if k.startswith("value"))


def test_validate_code_names_the_release_that_has_the_code(two_releases: httpx.Client) -> None:
    starter = _starter_release(two_releases)
    asked = {"url": CPT, "code": NEW_CODE, "version": starter}
    body = fhir_json(two_releases.get("/fhir/CodeSystem/$validate-code", params=asked))
    assert _value(body, "result") is False
    message = str(_value(body, "message"))
    assert f"release {starter}" in message
    assert f"it is in loaded release {LICENSED_RELEASE}" in message
    newest = fhir_json(
        two_releases.get("/fhir/CodeSystem/$validate-code", params={"url": CPT, "code": NEW_CODE})
    )
    assert _value(newest, "result") is True and _value(newest, "display") == NEW_TITLE
    assert _value(newest, "version") == LICENSED_RELEASE


def test_lookup_names_the_release_that_has_the_code(two_releases: httpx.Client) -> None:
    starter = _starter_release(two_releases)
    asked = {"system": CPT, "code": NEW_CODE, "version": starter}
    issue = outcome(two_releases.get("/fhir/CodeSystem/$lookup", params=asked), 404, "not-found")
    said = issue["issue"][0]["diagnostics"]
    assert starter in said and f"it is in loaded release {LICENSED_RELEASE}" in said
    found = fhir_json(two_releases.get("/fhir/CodeSystem/cpt/$lookup", params={"code": NEW_CODE}))
    assert _value(found, "display") == NEW_TITLE
