"""Cross-service fixtures: a codes service with every importable CMS data set, and a gateway
in front of it and the real search, accounts and metering services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from medcode.accounts.v1 import accounts_service_pb2 as apb
from medcode.accounts.v1 import accounts_service_pb2_grpc as accounts_grpc
from medcode_assistant.testing import serve_assistant
from medcode_codes.importers import operator
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import link_data_dir
from medcode_common import service_auth
from medcode_common.plans import Plan
from medcode_common.service_auth import ACCOUNTS, CLI
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

FIXTURES = Path(__file__).resolve().parents[1] / "services/codes/tests/fixtures/ncci"


@pytest.fixture(scope="session")
def reference_dir(
    tmp_path_factory: pytest.TempPathFactory, codes_data_dir: Path, cms_data: Path
) -> Path:
    """ICD-10 snapshots and default data sets (linked, read-only) plus every importable CMS
    data set."""
    data_dir = link_data_dir(codes_data_dir, tmp_path_factory.mktemp("reference") / "codes")
    operator.import_hcpcs(data_dir, cms_data / "hcpcs/HCPC2020_ANWEB_w_disclaimer.txt")
    operator.import_pfs_rvu(data_dir, cms_data / "pfs_rvu/PPRRVU2025_Oct.txt")
    operator.import_ncci_ptp(
        data_dir, FIXTURES / "ccipra-v321r0-f1.txt", setting="practitioner", release="2026-04-01"
    )
    operator.import_ncci_ptp(
        data_dir, FIXTURES / "ccioph-v321r0-f1.txt", setting="hospital", release="2026-04-01"
    )
    operator.import_aoc(data_dir, FIXTURES / "aoc-edits-2026q2.txt")
    operator.import_icd10cm_index(data_dir, cms_data / "icd10cm/icd-10-cm-eindex-2025.xml")
    for table in FIXTURES.glob("MCR_MUE_*.csv"):
        operator.import_mue(data_dir, table, release="2026-04-01")
    return data_dir


@pytest.fixture(scope="session")
def internal_key(accounts_address: str) -> str:
    """An operator key on the internal plan: code pages unmetered for these checks."""
    with service_auth.channel(accounts_address, identity=CLI, audience=ACCOUNTS) as channel:
        reply = accounts_grpc.AccountsServiceStub(channel).CreateApiKey(
            apb.CreateApiKeyRequest(name="reference data tests", plan=Plan.INTERNAL.proto),
            timeout=10,
        )
    return str(reply.secret)


@pytest.fixture(scope="session")
def api(
    reference_dir: Path,
    accounts_address: str,
    metering_address: str,
    search_address: str,
    assistant_address: str,
    internal_key: str,
) -> Iterator[httpx.Client]:
    """A gateway client calling as an internal partner (code pages unmetered)."""
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=reference_dir))
    codes.start()
    settings = GatewaySettings(
        events=False,
        codes_addr=f"127.0.0.1:{codes.port}",
        accounts_addr=accounts_address,
        metering_addr=metering_address,
        search_addr=search_address,
        assistant_addr=assistant_address,
    )
    gateway = UvicornThread(create_app(settings))
    gateway.start()
    headers = {"X-API-Key": internal_key}
    with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
        yield client
    gateway.stop()
    codes.stop()


@pytest.fixture(scope="session")
def reference_codes_address(reference_dir: Path) -> Iterator[str]:
    """host:port of a real codes service over the reference data (every CMS data set)."""
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=reference_dir))
    codes.start()
    yield f"127.0.0.1:{codes.port}"
    codes.stop()


@pytest.fixture(scope="session")
def assistant_codes_address(reference_codes_address: str) -> str:
    """The cross-service tests' assistant reads the reference data (fees, edits, MUEs)."""
    return reference_codes_address


@pytest.fixture(scope="session")
def assistant_address(assistant_codes_address: str, search_address: str) -> Iterator[str]:
    """An assistant of the cross-service tests' own, over the reference data. Defined here
    (not only overriding its codes address) because a session fixture is made once: the
    plugin's assistant, made first by the gateway tests, reads the default data."""
    server = serve_assistant(assistant_codes_address, search_address)
    yield server.address
    server.stop()
