"""MedCode's searcher for bench/search_relevance.py: the real engine, in this process.

It starts a real codes service on the default data (`var/`), builds (or reopens) the search
index from its export exactly as the search service does, on the backend asked for, and
ranks with that backend's `SearchEngine` (one ranking; only the candidates' index differs).
Elasticsearch needs ELASTICSEARCH_URL; the benchmark builds its own alias there
(MEDCODE_BENCH_ALIAS, default medcode-bench) and leaves it for the next run to reuse.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from medcode_codes.importers.defaults import import_defaults
from medcode_codes.settings import CodesSettings
from medcode_codes.testing import ServerThread
from medcode_common.service_auth.testing import temporary_keyring
from medcode_search.backends import SearchBackend, create_backend
from medcode_search.backends.tantivy_backend import TantivyBackend
from medcode_search.engine import SearchEngine
from medcode_search.indexer import IndexHolder
from medcode_search.settings import SearchSettings

BACKENDS = ("tantivy", "elasticsearch")


def make_searcher(backend: str = "tantivy") -> Callable[[str, int], list[str]]:
    """A function (query, k) -> the top-k ICD-10-CM codes MedCode returns on `backend`."""
    engine = make_engine(backend=backend)

    def search(query: str, k: int) -> list[str]:
        hits, _total = engine.search(query, systems=["icd10cm"], limit=k)
        return [hit.document.code for hit in hits]

    return search


def _backend(name: str, *, warm: bool, data_dir: Path) -> SearchBackend:
    if name == "tantivy":
        return TantivyBackend(index_dir=data_dir / "search", warm=warm)
    settings = SearchSettings(
        backend="elasticsearch",
        elasticsearch_url=os.environ["ELASTICSEARCH_URL"],
        elasticsearch_alias=os.environ.get("MEDCODE_BENCH_ALIAS", "medcode-bench"),
        elasticsearch_replicas=0,
        elasticsearch_timeout_seconds=120,
        warm=warm,
    )
    return create_backend(settings, popularity=None)


def make_engine(
    *, backend: str = "tantivy", warm: bool = True, data_dir: Path | None = None
) -> SearchEngine:
    """The search engine over the default data (or `data_dir`'s), built exactly as the search
    service builds it on `backend` (`warm=False` leaves the codes to be profiled on first
    use, to measure the difference)."""
    data_dir = data_dir or Path(os.environ.get("MEDCODE_CODES_DATA_DIR", "var")).resolve()
    import_defaults(data_dir)
    with temporary_keyring():  # codes checks the tokens search signs its export calls with
        return _build_engine(backend=backend, warm=warm, data_dir=data_dir)


def _build_engine(*, backend: str, warm: bool, data_dir: Path) -> SearchEngine:
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()

    async def build() -> IndexHolder:
        holder = IndexHolder(
            backend=_backend(backend, warm=warm, data_dir=data_dir),
            codes_addr=f"127.0.0.1:{codes.port}",
            export_timeout=600,
        )
        await holder.refresh()
        await holder.close(backend=False)  # the engine keeps searching its index
        return holder

    engine = asyncio.run(build()).engine
    codes.stop()
    assert engine is not None
    return engine
