"""Build (or reopen) the index from the codes service's export, and swap it in when ready.

The index for a set of releases lives in its own folder named by their fingerprint, so a
restart reopens it in well under a second and a new release builds beside the old one
while the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from pathlib import Path

import grpc

from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode_search import documents, index
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.synonyms import SynonymExpander, load_synonyms

log = logging.getLogger(__name__)

ENGINE_VERSION = "2"
_SYSTEMS = {
    codes_pb.CODE_SYSTEM_ICD10CM: "icd10cm",
    codes_pb.CODE_SYSTEM_ICD10PCS: "icd10pcs",
    codes_pb.CODE_SYSTEM_HCPCS: "hcpcs",
    codes_pb.CODE_SYSTEM_CPT: "cpt",
}
_TERM_NOTES = {codes_pb.NOTE_TYPE_INCLUSION_TERM, codes_pb.NOTE_TYPE_INCLUDES}


def newest_releases(reply: codes_pb.ListReleasesResponse) -> dict[int, str]:
    """The newest release of each system (the codes service lists newest first)."""
    chosen: dict[int, str] = {}
    for release in reply.releases:
        chosen.setdefault(release.system, release.release)
    return chosen


def fingerprint(releases: dict[int, str]) -> str:
    """A folder name for the index of exactly these releases and this engine version."""
    text = ENGINE_VERSION + ";" + ";".join(f"{s}:{r}" for s, r in sorted(releases.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def export(
    stub: codes_grpc.CodesServiceStub, releases: dict[int, str], *, timeout: float
) -> list[IndexedCode]:
    """Every node of the chosen releases, with ancestors resolved from the parent links."""
    found: list[IndexedCode] = []
    for system, release in sorted(releases.items()):
        ancestors: dict[str, tuple[str, ...]] = {}
        words: dict[str, tuple[str, ...]] = {}
        request = codes_pb.ExportCodesRequest(
            system=system, release=codes_pb.ReleaseSelector(release=release)
        )
        async for batch in stub.ExportCodes(request, timeout=timeout):
            for code in batch.codes:
                _add(found, ancestors, words, code, _SYSTEMS[system], release)
    return found


def _add(
    found: list[IndexedCode],
    ancestors: dict[str, tuple[str, ...]],
    words: dict[str, tuple[str, ...]],
    code: codes_pb.Code,
    system: str,
    release: str,
) -> None:
    """Append one exported node, resolving its ancestors from its parent's."""
    parent = code.parent.code if code.HasField("parent") else ""
    above = (*ancestors.get(parent, ()), parent) if parent else ()
    ancestors[code.code] = above
    terms = tuple(n.text for n in code.notes if n.type in _TERM_NOTES)
    # Headings below the chapter lend their words: "asthma" reaches J45.901 through J45.
    context = words.get(parent, ()) if code.kind not in ("chapter", "section") else ()
    words[code.code] = (*context, code.title, *terms) if code.kind != "chapter" else ()
    found.append(
        IndexedCode(
            system, code.code, code.title, code.kind, code.billable, release, terms, above, context
        )
    )


class IndexHolder:
    """Holds the engine being served and replaces it when the codes service's releases change."""

    def __init__(self, *, index_dir: Path, codes_addr: str, export_timeout: float) -> None:
        self._index_dir = index_dir
        self._channel = grpc.aio.insecure_channel(
            codes_addr, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        )
        self._stub = codes_grpc.CodesServiceStub(self._channel)
        self._timeout = export_timeout
        self._synonyms = SynonymExpander(load_synonyms())
        self.engine: SearchEngine | None = None
        self.releases: dict[int, str] = {}
        self.build_seconds = 0.0
        self.rebuilding = False

    async def refresh(self) -> bool:
        """Rebuild when the releases changed; True when a new engine was swapped in."""
        reply = await self._stub.ListReleases(codes_pb.ListReleasesRequest(), timeout=5)
        releases = newest_releases(reply)
        if releases == self.releases and self.engine is not None:
            return False
        self.rebuilding = True
        started = time.perf_counter()
        try:
            folder = self._index_dir / fingerprint(releases)
            sidecar = folder / "documents.jsonl"
            if sidecar.exists():
                docs = list(documents.load(sidecar))
                built = await asyncio.to_thread(index.open_saved, folder / "tantivy")
            else:
                docs = await export(self._stub, releases, timeout=self._timeout)
                folder.mkdir(parents=True, exist_ok=True)
                built = await asyncio.to_thread(index.build, docs, folder / "tantivy")
                documents.save(sidecar, docs)
            self.engine = SearchEngine(docs, built, self._synonyms)
            self.releases = releases
            self.build_seconds = time.perf_counter() - started
            log.info("search index ready: %d documents in %.1fs", len(docs), self.build_seconds)
            return True
        finally:
            self.rebuilding = False

    async def close(self) -> None:
        """Close the channel to the codes service."""
        await self._channel.close()
