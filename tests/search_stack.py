"""A codes service over every importable data set (HCPCS included), a search service indexing
it and a gateway in front, all real and on loopback, for the search tests in this folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread


@dataclass(frozen=True)
class SearchStack:
    """The search service's address and a gateway client calling as an internal partner."""

    search_address: str
    api: httpx.Client


@contextmanager
def search_stack(
    *, data_dir: Path, index_dir: Path, accounts_address: str, metering_address: str, key: str
) -> Iterator[SearchStack]:
    """Codes over `data_dir`, search indexing it into `index_dir`, a gateway before both."""
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()
    search = SearchThread(
        SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=index_dir,
            events=False,
            warm=False,
        )
    )
    try:
        search.start()
        settings = GatewaySettings(
            events=False,
            codes_addr=f"127.0.0.1:{codes.port}",
            search_addr=f"127.0.0.1:{search.port}",
            accounts_addr=accounts_address,
            metering_addr=metering_address,
            rpc_timeout_seconds=10,
        )
        gateway = UvicornThread(create_app(settings))
        gateway.start()
        try:
            headers = {"X-API-Key": key}
            with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
                yield SearchStack(f"127.0.0.1:{search.port}", client)
        finally:
            gateway.stop()
    finally:
        search.stop()
        codes.stop()
