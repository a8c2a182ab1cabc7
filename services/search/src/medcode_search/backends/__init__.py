"""Search backends behind one interface; `MEDCODE_SEARCH_BACKEND` picks one."""

from __future__ import annotations

from medcode_search.backends.base import BackendUnavailable, Fetch, SearchBackend
from medcode_search.engine import Popularity
from medcode_search.settings import SearchSettings

__all__ = ["BackendUnavailable", "Fetch", "SearchBackend", "create_backend"]


def create_backend(settings: SearchSettings, *, popularity: Popularity | None) -> SearchBackend:
    """The configured backend; Elasticsearch is imported only when chosen."""
    if settings.backend == "elasticsearch":
        from medcode_search.backends.elastic import ElasticBackend

        return ElasticBackend.connect(settings, popularity=popularity)
    from medcode_search.backends.tantivy_backend import TantivyBackend

    return TantivyBackend(index_dir=settings.index_dir, popularity=popularity, warm=settings.warm)
