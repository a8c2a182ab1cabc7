"""The concrete indices behind one alias: build one, move the alias to it, read one back.

A new index is bulk-loaded beside the one being served, refreshed, and then the alias is
moved to it in one update_aliases call (atomic for searchers). The index it replaced stays
until the next swap: pods that did not build search the concrete index their corpus was read
from, and need it while they read the new one. Older indices are deleted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan, streaming_bulk

from medcode_search.backends.elastic_mapping import (
    MAPPING_VERSION,
    concrete_index,
    from_source,
    to_source,
)
from medcode_search.documents import IndexedCode
from medcode_search.fields import folding

log = logging.getLogger(__name__)
_BULK_CHUNK = 2000
_READ_CHUNK = 2000


class IndexStore:
    """The concrete indices `<alias>-<mapping version>-<fingerprint>` of one alias."""

    def __init__(self, client: Elasticsearch, *, alias: str, replicas: int) -> None:
        self._client = client
        self.alias = alias
        self._replicas = replicas
        self._ours = re.compile(rf"{re.escape(alias)}-([0-9a-z]+)-[0-9a-f]{{16}}")

    def index_name(self, key: str) -> str:
        """The concrete index of one set of releases under this mapping version."""
        return f"{self.alias}-{MAPPING_VERSION}-{key}"

    def newer_mapping(self, indices: Sequence[str]) -> bool:
        """Whether any of `indices` was built under a newer mapping version than this code's
        (a pod of an older release, during a rollout, must not swap the alias back)."""
        versions = [found.group(1) for found in map(self._ours.fullmatch, indices) if found]
        return any(v.isdigit() and int(v) > int(MAPPING_VERSION) for v in versions)

    def aliased(self) -> list[str]:
        """The concrete indices the alias points at (none before the first build)."""
        found = self._client.options(ignore_status=404).indices.get_alias(name=self.alias)
        return [] if found.meta.status == 404 else sorted(found.body)

    def fill(self, target: str, documents: Iterable[IndexedCode]) -> int:
        """Create `target` fresh (a leftover of a crashed build is dropped), load every
        document under its corpus position as `_id`, and refresh it."""
        self._client.options(ignore_status=404).indices.delete(index=target)
        concrete_index(target, replicas=self._replicas).create(using=self._client)
        fold = folding()
        actions = (
            {"_index": target, "_id": str(number), "_source": to_source(document, fold)}
            for number, document in enumerate(documents)
        )
        loaded = 0
        for ok, item in streaming_bulk(self._client, actions, chunk_size=_BULK_CHUNK):
            if not ok:
                raise RuntimeError(f"Elasticsearch refused a document: {item}")
            loaded += 1
        self._client.indices.refresh(index=target)
        log.info("elasticsearch index %s loaded %d documents", target, loaded)
        return loaded

    def swap(self, target: str, previous: Sequence[str]) -> list[str]:
        """Move the alias to `target` in one call; delete this alias's indices other than
        `target` and the ones it replaced. Returns the deleted ones."""
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": self.alias}} for old in previous if old != target
        ]
        actions.append({"add": {"index": target, "alias": self.alias}})
        self._client.indices.update_aliases(actions=actions)
        keep = {target, *previous}
        existing = self._client.indices.get(index=f"{self.alias}-*", allow_no_indices=True)
        stale = sorted(name for name in existing.body if self._ours.fullmatch(name))
        deleted = [name for name in stale if name not in keep]
        for name in deleted:
            self._client.options(ignore_status=404).indices.delete(index=name)
        return deleted

    def read(self, index: str) -> list[IndexedCode]:
        """Every document of `index`, each at its corpus position (its `_id`)."""
        count = int(self._client.count(index=index)["count"])
        found: list[IndexedCode | None] = [None] * count
        for hit in scan(self._client, index=index, size=_READ_CHUNK, _source=["document"]):
            number = int(hit["_id"])
            if not 0 <= number < count:
                raise RuntimeError(f"{index}: document id {hit['_id']} outside 0..{count - 1}")
            found[number] = from_source(hit["_source"])
        missing = [number for number, document in enumerate(found) if document is None]
        if missing:
            raise RuntimeError(f"{index}: {len(missing)} document ids missing, first {missing[0]}")
        return [document for document in found if document is not None]
