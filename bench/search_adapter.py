"""MedCode's searcher for bench/search_relevance.py: the real engine, in this process.

It starts a real codes service on the default data (`var/`), builds (or reopens) the search
index from its export exactly as the search service does, and ranks with `SearchEngine`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_search.backends.tantivy_backend import TantivyBackend
from medcode_search.engine import SearchEngine
from medcode_search.indexer import IndexHolder


def make_searcher() -> Callable[[str, int], list[str]]:
    """A function (query, k) -> the top-k ICD-10-CM codes MedCode returns."""
    engine = make_engine()

    def search(query: str, k: int) -> list[str]:
        hits, _total = engine.search(query, systems=["icd10cm"], limit=k)
        return [hit.document.code for hit in hits]

    return search


def make_engine(*, warm: bool = True, data_dir: Path | None = None) -> SearchEngine:
    """The search engine over the default data (or `data_dir`'s), built exactly as the search
    service builds it (`warm=False` leaves the codes to be profiled on first use, to measure
    the difference)."""
    data_dir = data_dir or Path(os.environ.get("MEDCODE_CODES_DATA_DIR", "var")).resolve()
    import_defaults(data_dir)
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()

    async def build() -> IndexHolder:
        holder = IndexHolder(
            backend=TantivyBackend(index_dir=data_dir / "search", warm=warm),
            codes_addr=f"127.0.0.1:{codes.port}",
            export_timeout=600,
        )
        await holder.refresh()
        await holder.close()
        return holder

    engine = asyncio.run(build()).engine
    codes.stop()
    assert engine is not None
    return engine
