"""Pytest fixtures that start a real codes server on loopback (a `pytest11` plugin).

Other packages' tests (the gateway, cross-service tests) use `codes_address` to talk to
the real service over gRPC instead of a stand-in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.server import create_codes_server
from medcode_codes.service import SERVICE_NAME
from medcode_codes.settings import CodesSettings
from medcode_common.grpc_server import mark_serving
from medcode_common.loop_thread import LoopThread


@pytest.fixture(scope="session")
def cms_data(pytestconfig: pytest.Config) -> Path:
    """`../shared/data/cms` beside the repository: real official files for tests only.

    Missing outside CI skips the test; missing in CI (CI=true) fails it.
    """
    path = Path(pytestconfig.rootpath).resolve().parent / "shared" / "data" / "cms"
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing; CI must provide shared/ beside the clone")
        pytest.skip(f"{path} not found (real CMS files live in ../shared/data beside the repo)")
    return path


@pytest.fixture(scope="session")
def codes_data_dir() -> Path:
    """A data dir with the default snapshots, built on first use and reused after.

    Set MEDCODE_TEST_DATA_DIR to choose it; the default is ./var/test-data.
    """
    path = Path(os.environ.get("MEDCODE_TEST_DATA_DIR") or "var/test-data").resolve()
    import_defaults(path)
    return path


#: The CDC index files in ../shared/data/cms/icd10cm (the Index to Diseases is not there).
INDEX_FILES = (
    "icd-10-cm-eindex-2025.xml",
    "icd-10-cm-drug-2025.xml",
    "icd-10-cm-neoplasm-2025.xml",
)


@pytest.fixture(scope="session")
def indexed_codes_data_dir(
    codes_data_dir: Path, cms_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The default data plus the FY2025 External Cause index, Table of Drugs and Table of
    Neoplasms, imported as an operator would. The snapshots and the other data sets are
    linked from `codes_data_dir`, not copied."""
    from medcode_codes.importers.operator import import_icd10cm_index
    from medcode_codes.testing_live import link_data_dir

    path = link_data_dir(codes_data_dir, tmp_path_factory.mktemp("indexed") / "codes")
    for name in INDEX_FILES:
        import_icd10cm_index(path, cms_data / "icd10cm" / name)
    return path


class ServerThread(LoopThread):
    """The codes gRPC server on its own event loop in a daemon thread."""

    name = "codes-server"

    def __init__(self, settings: CodesSettings) -> None:
        super().__init__()
        self._settings = settings
        self.port = 0

    async def startup(self) -> None:
        self._server, self.port, health = create_codes_server(self._settings)
        await self._server.start()
        await mark_serving(health, [SERVICE_NAME])

    async def shutdown(self) -> None:
        await self._server.stop(0)


@pytest.fixture(scope="session")
def codes_address(codes_data_dir: Path) -> Iterator[str]:
    """host:port of a real codes gRPC server serving the default snapshots."""
    server = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=codes_data_dir))
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop()


@pytest.fixture(scope="session")
def indexed_codes_address(indexed_codes_data_dir: Path) -> Iterator[str]:
    """host:port of a real codes gRPC server with the alphabetic index files loaded."""
    settings = CodesSettings(host="127.0.0.1", port=0, data_dir=indexed_codes_data_dir)
    server = ServerThread(settings)
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop()
