"""Follow the codes service's releases: export their codes and have the backend index them.

An index is named by the fingerprint of the releases it holds, the data sets folded into
their export (the ICD-10-CM alphabetic index files) and the engine version, so a restart
reopens it, and a new release or newly imported index file builds beside the old index
while the old one serves.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from pathlib import Path

from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode.codes.v1 import codes_service_pb2_grpc as codes_grpc
from medcode_common.codesystems import PROTO_TO_SYSTEM
from medcode_common.rpc_client import request_id_interceptors
from medcode_common.service_auth import CODES, SEARCH, TokenSigner, aio_channel, load_signer
from medcode_search.backends.base import SearchBackend
from medcode_search.backends.tantivy_backend import TantivyBackend
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.references import referenced_texts
from medcode_search.releases import IndexedRelease

log = logging.getLogger(__name__)

ENGINE_VERSION = "8"  # 8: fields hold folded text (fields.py), as Elasticsearch indexes it
SYSTEM_NAMES: dict[int, str] = {number: system.value for number, system in PROTO_TO_SYSTEM.items()}
SYSTEM_ENUMS = {name: number for number, name in SYSTEM_NAMES.items()}
#: Data sets the codes service folds into its export (the alphabetic index lines of
#: ICD-10-CM codes): importing one changes what the index must hold.
EXPORTED_DATASETS = frozenset(
    {"icd10cm-index", "icd10cm-eindex", "icd10cm-neoplasm", "icd10cm-drug"}
)
_TERM_NOTES = {codes_pb.NOTE_TYPE_INCLUSION_TERM, codes_pb.NOTE_TYPE_INCLUDES}
#: Notes that describe the codes they name: their words are lent to those codes.
_REFERRING_NOTES = {
    codes_pb.NOTE_TYPE_EXCLUDES1,
    codes_pb.NOTE_TYPE_EXCLUDES2,
    codes_pb.NOTE_TYPE_CODE_FIRST,
    codes_pb.NOTE_TYPE_USE_ADDITIONAL_CODE,
    codes_pb.NOTE_TYPE_CODE_ALSO,
}


def releases_to_index(
    reply: codes_pb.ListReleasesResponse, *, history: int
) -> tuple[IndexedRelease, ...]:
    """The newest `history` releases of each system, newest first (the codes service lists
    them so): older ones stay searchable by name or date until they fall out of the window."""
    kept: dict[int, int] = {}
    chosen = []
    for release in reply.releases:
        if release.system not in SYSTEM_NAMES or kept.get(release.system, 0) >= history:
            continue
        kept[release.system] = kept.get(release.system, 0) + 1
        chosen.append(
            IndexedRelease(
                SYSTEM_NAMES[release.system],
                release.release,
                release.effective_date,
                release.content_digest,
            )
        )
    return tuple(chosen)


def exported_datasets(reply: codes_pb.ListDatasetsResponse) -> tuple[str, ...]:
    """ "kind:release[@digest]" of the newest release of each data set the export folds in
    (the codes service lists each kind's releases newest first, and uses the newest)."""
    newest: dict[str, str] = {}
    for dataset in reply.datasets:
        if dataset.kind in EXPORTED_DATASETS:
            newest.setdefault(dataset.kind, _named(dataset.release, dataset.content_digest))
    return tuple(sorted(f"{kind}:{release}" for kind, release in newest.items()))


def _named(release: str, digest: str) -> str:
    """A release's name with the digest of its sources, when the codes service gives one."""
    return f"{release}@{digest}" if digest else release


def fingerprint(indexed: tuple[IndexedRelease, ...], datasets: tuple[str, ...] = ()) -> str:
    """A folder name for the index of exactly these releases and exported data sets (each
    with the digest of its sources, so a re-import from changed files rebuilds), and this
    engine version."""
    named = (f"{r.system}:{_named(r.release, r.digest)}" for r in indexed)
    text = ENGINE_VERSION + ";" + ";".join(sorted(named))
    if datasets:
        text += ";datasets;" + ";".join(datasets)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def export(
    stub: codes_grpc.CodesServiceStub, indexed: tuple[IndexedRelease, ...], *, timeout: float
) -> list[IndexedCode]:
    """Every node of the chosen releases, with ancestors resolved from the parent links and
    the words other codes' notes say about it (within the same release)."""
    found: list[IndexedCode] = []
    for chosen in indexed:
        system, release = SYSTEM_ENUMS[chosen.system], chosen.release
        ancestors: dict[str, tuple[str, ...]] = {}
        words: dict[str, tuple[str, ...]] = {}
        referring: dict[str, list[str]] = {}
        exported: list[IndexedCode] = []
        request = codes_pb.ExportCodesRequest(
            system=system, release=codes_pb.ReleaseSelector(release=release)
        )
        async for batch in stub.ExportCodes(request, timeout=timeout):
            for code in batch.codes:
                _add(exported, ancestors, words, code, SYSTEM_NAMES[system], release)
                texts = [n.text for n in code.notes if n.type in _REFERRING_NOTES]
                if texts:
                    referring[code.code] = texts
        found.extend(with_references(exported, referring))
    return found


def with_references(
    exported: list[IndexedCode], referring: dict[str, list[str]]
) -> list[IndexedCode]:
    """The documents of one system, each with the referring notes of other codes that name it."""
    lent = referenced_texts(referring, (document.code for document in exported))
    return [
        replace(document, referenced=lent[document.code]) if document.code in lent else document
        for document in exported
    ]


def index_lines(
    entries: Iterable[codes_pb.IndexEntry],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(index lines, table rows) as coders write them, each once: "Pernio, hands";
    "Neoplasm, neoplastic, lung, Malignant Primary" (a table row ends with its column)."""
    lines: dict[str, None] = {}
    rows: dict[str, None] = {}
    for entry in entries:
        if entry.column:
            rows[", ".join((*entry.path, entry.column))] = None
        else:
            lines[", ".join(entry.path)] = None
    return tuple(lines), tuple(rows)


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
    index_terms, table_terms = index_lines(code.index_entries)
    # Headings below the chapter lend their words: "asthma" reaches J45.901 through J45.
    context = words.get(parent, ()) if code.kind not in ("chapter", "section") else ()
    words[code.code] = (*context, code.title, *terms) if code.kind != "chapter" else ()
    found.append(
        IndexedCode(
            system,
            code.code,
            code.title,
            code.kind,
            code.billable,
            release,
            terms,
            above,
            context,
            index_terms=index_terms,
            table_terms=table_terms,
        )
    )


class IndexHolder:
    """Keeps the backend serving the newest releases the codes service has (the newest
    `history` of each system, so past ones can still be searched by name or date).

    `refresh` runs on the poll, on `release.published` events and at start; a lock makes
    concurrent triggers build once. The backend swaps to a new index only when it is
    complete, so the old one answers throughout a rebuild.
    """

    def __init__(
        self,
        *,
        codes_addr: str,
        export_timeout: float,
        history: int = 2,
        backend: SearchBackend | None = None,
        index_dir: Path | None = None,
        before_build: Callable[[], Awaitable[None]] | None = None,
        signer: TokenSigner | None = None,
    ) -> None:
        if backend is None:
            if index_dir is None:
                raise ValueError("IndexHolder needs a backend or a tantivy index_dir")
            backend = TantivyBackend(index_dir=index_dir)
        self.backend = backend
        # Calls codes as "search" (its private key from MEDCODE_SERVICE_*, unless given).
        self._channel = aio_channel(
            codes_addr,
            signer=signer or load_signer(SEARCH),
            audience=CODES,
            options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)],
            interceptors=request_id_interceptors(),  # codes logs the refresh's id
        )
        self._stub = codes_grpc.CodesServiceStub(self._channel)
        self._timeout = export_timeout
        self._lock = asyncio.Lock()
        #: Awaited once a rebuild has started (an operator hook; tests hold a rebuild open).
        self.before_build = before_build
        self._history = history
        #: The releases in the served index, newest first per system.
        self.indexed: tuple[IndexedRelease, ...] = ()
        #: The exported data sets ("icd10cm-eindex:FY2025@<digest>") folded into the served index.
        self.datasets: tuple[str, ...] = ()
        self.build_seconds = 0.0
        self.rebuilding = False

    async def refresh(self) -> bool:
        """Rebuild when the releases changed; True when a new index was swapped in."""
        async with self._lock:
            reply = await self._stub.ListReleases(codes_pb.ListReleasesRequest(), timeout=5)
            indexed = releases_to_index(reply, history=self._history)
            listed = await self._stub.ListDatasets(codes_pb.ListDatasetsRequest(), timeout=5)
            datasets = exported_datasets(listed)
            if (indexed, datasets) == (self.indexed, self.datasets) and self.backend.ready():
                return False
            self.rebuilding = True
            started = time.perf_counter()

            def record() -> None:  # in the same step as the new index starts serving
                self.indexed, self.datasets = indexed, datasets
                # Not still "rebuilding" while the backend tidies up (old index folders):
                # a status read right after the swap must agree with what search answers.
                self.rebuilding = False

            try:
                if self.before_build is not None:
                    await self.before_build()
                await self.backend.load(
                    key=fingerprint(indexed, datasets),
                    fetch=lambda: export(self._stub, indexed, timeout=self._timeout),
                    on_swap=record,
                )
            finally:
                self.rebuilding = False
            if (self.indexed, self.datasets) != (indexed, datasets):
                return False  # a follower still serving the previous index
            self.build_seconds = time.perf_counter() - started
            log.info(
                "search index ready (%s): %d documents in %.1fs",
                self.backend.name,
                self.backend.document_count(),
                self.build_seconds,
            )
            return True

    def ready(self) -> bool:
        """True once an index serves and its releases are known: between the two, a search
        would pick no release and find nothing, which must read as "not ready", not as
        "no such code"."""
        return bool(self.indexed) and self.backend.ready()

    @property
    def engine(self) -> SearchEngine | None:
        """The engine being served, whatever the backend (None before the first build)."""
        return self.backend.engine

    async def close(self, *, backend: bool = True) -> None:
        """Close the channel to the codes service, and the backend unless told to keep it
        (a benchmark keeps searching the served engine after the build)."""
        await self._channel.close()
        if backend:
            await self.backend.close()
