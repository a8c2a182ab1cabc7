"""An operator imports an alphabetic index file while codes and search run: the codes service
picks it up, and the search service rebuilds at its next poll and finds codes by its words."""

from __future__ import annotations

import time
from pathlib import Path

from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_codes.importers.operator import import_icd10cm_index
from medcode_codes.settings import CodesSettings
from medcode_codes.testing_live import LiveCodesThread, link_data_dir
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, SEARCH
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread


def _first(address: str, query: str) -> str:
    with service_auth.channel(address, identity=GATEWAY, audience=SEARCH) as channel:
        request = pb.SearchRequest(query=query, systems=["icd10cm"], limit=5)
        hits = pb_grpc.SearchServiceStub(channel).Search(request, timeout=10).hits
    return hits[0].code if hits else ""


def test_an_imported_index_file_is_searchable_without_a_restart(
    codes_data_dir: Path, cms_data: Path, tmp_path: Path
) -> None:
    data = link_data_dir(codes_data_dir, tmp_path / "codes")
    codes = LiveCodesThread(
        CodesSettings(host="127.0.0.1", port=0, data_dir=data, reload_seconds=0.2, events=False)
    )
    codes.start()
    search = SearchThread(
        SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=tmp_path / "search",
            events=False,
            warm=False,
            refresh_seconds=0.5,
        )
    )
    try:
        search.start()
        address = f"127.0.0.1:{search.port}"
        assert not _first(address, "alpine sickness").startswith("W94.11")
        import_icd10cm_index(data, cms_data / "icd10cm" / "icd-10-cm-eindex-2025.xml")
        assert search.app is not None
        deadline = time.monotonic() + 180
        # "kind:release@digest of its source files"
        while [d.split("@")[0] for d in search.app.holder.datasets] != ["icd10cm-eindex:FY2025"]:
            assert time.monotonic() < deadline, "the search index never took the new file in"
            time.sleep(0.5)
        assert _first(address, "alpine sickness") == "W94.11XA"
    finally:
        search.stop()
        codes.stop()
