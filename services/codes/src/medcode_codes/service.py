"""The CodesService gRPC servicer: request checking, release selection, response shaping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import lru_cache

import grpc

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2_grpc as pb_grpc
from medcode_codes import code_history, edits
from medcode_codes.convert import STATUS_TO_PB, export_code, full_code, summary
from medcode_codes.datasets.store import DatasetCatalog
from medcode_codes.enrich import add_reference_data
from medcode_codes.errors import CodeNotFound, streaming, unary
from medcode_codes.index_entries import IndexLookup, unique
from medcode_codes.listing import list_codes
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.snapshot.releases import ReleaseCatalog
from medcode_codes.validation import validate_one
from medcode_common.codesystems import PROTO_TO_SYSTEM, System, normalize_code

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["CodesService"].full_name
_EXPORT_BATCH = 500


def _system(value: int) -> System:
    try:
        return PROTO_TO_SYSTEM[value]
    except KeyError:
        raise ValueError("system is required: ICD10CM, ICD10PCS, HCPCS or CPT") from None


class CodesServicer(pb_grpc.CodesServiceServicer):
    """Answers code questions from the loaded snapshots; never writes anything."""

    def __init__(
        self,
        *,
        catalog: ReleaseCatalog,
        datasets: DatasetCatalog | None = None,
        max_batch: int = 1000,
        cache_size: int = 8192,
    ) -> None:
        self._catalog = catalog
        self._datasets = datasets or DatasetCatalog([])
        self._max_batch = max_batch
        # Snapshots are immutable, so a rendered message is valid for the process lifetime.
        self._message = lru_cache(maxsize=cache_size)(self._build_message)

    def replace_data(self, *, catalog: ReleaseCatalog, datasets: DatasetCatalog) -> None:
        """Serve new catalogs from the next request on (hot reload); calls in flight finish
        on the snapshots they hold. Rendered messages may embed replaced data, so go too."""
        self._catalog, self._datasets = catalog, datasets
        self._message.cache_clear()

    def _snapshot(self, system: System, selector: pb.ReleaseSelector) -> Snapshot:
        return self._catalog.select(system, release=selector.release, as_of=selector.as_of)

    def _check_batch(self, codes: list[str]) -> None:
        if not codes:
            raise ValueError("codes must list at least one code")
        if len(codes) > self._max_batch:
            raise ValueError(f"at most {self._max_batch} codes per request, got {len(codes)}")

    def _record(self, system: System, snapshot: Snapshot, raw: str) -> pb.Code:
        code = normalize_code(system, raw)
        message = self._message(system, snapshot, code)
        if message is None:
            raise CodeNotFound(
                f"{code} is not {system.a_label} code in release {snapshot.meta.release}"
            )
        return message

    def _build_message(self, system: System, snapshot: Snapshot, code: str) -> pb.Code | None:
        record = snapshot.record(code)
        if record is None:
            return None
        meta = snapshot.meta
        message = full_code(
            record, system=system, release=meta.release, content_digest=meta.source_digest
        )
        add_reference_data(message, system=system, datasets=self._datasets)
        return message

    @unary
    async def GetCode(
        self, request: pb.GetCodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCodeResponse:
        system = _system(request.system)
        snapshot = self._snapshot(system, request.release)
        return pb.GetCodeResponse(code=self._record(system, snapshot, request.code))

    @unary
    async def BatchGetCodes(
        self, request: pb.BatchGetCodesRequest, context: grpc.aio.ServicerContext
    ) -> pb.BatchGetCodesResponse:
        system = _system(request.system)
        self._check_batch(list(request.codes))
        snapshot = self._snapshot(system, request.release)
        response = pb.BatchGetCodesResponse()
        for raw in request.codes:
            try:
                response.codes.append(self._record(system, snapshot, raw))
            except CodeNotFound:
                response.missing.append(raw)
        return response

    @unary
    async def ListChildren(
        self, request: pb.ListChildrenRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListChildrenResponse:
        system = _system(request.system)
        snapshot = self._snapshot(system, request.release)
        parent = normalize_code(system, request.code) if request.code.strip() else None
        if parent is not None and snapshot.node(parent) is None:
            raise CodeNotFound(
                f"{parent} is not {system.a_label} code in release {snapshot.meta.release}"
            )
        children = [summary(node) for node in snapshot.children(parent)]
        return pb.ListChildrenResponse(children=children, release=snapshot.meta.release)

    @unary
    async def ListAncestors(
        self, request: pb.ListAncestorsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListAncestorsResponse:
        system = _system(request.system)
        snapshot = self._snapshot(system, request.release)
        code = self._record(system, snapshot, request.code)
        return pb.ListAncestorsResponse(ancestors=code.ancestors, release=snapshot.meta.release)

    @unary
    async def ValidateCodes(
        self, request: pb.ValidateCodesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ValidateCodesResponse:
        system = _system(request.system)
        self._check_batch(list(request.codes))
        snapshot = self._snapshot(system, request.release)
        response = pb.ValidateCodesResponse(release=snapshot.meta.release)
        for raw in request.codes:
            verdict = validate_one(snapshot, system, raw)
            response.verdicts.add(
                input=verdict.input,
                code=verdict.code,
                status=STATUS_TO_PB[verdict.status],
                valid=verdict.status in {"billable", "not_billable"},
                billable=verdict.status == "billable",
                message=verdict.message,
                title=verdict.title,
                suggestions=[summary(node) for node in verdict.suggestions],
            )
        return response

    @unary
    async def ListReleases(
        self, request: pb.ListReleasesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListReleasesResponse:
        system = None if request.system == pb.CODE_SYSTEM_UNSPECIFIED else _system(request.system)
        response = pb.ListReleasesResponse()
        for snapshot in self._catalog.all(system):
            meta = snapshot.meta
            response.releases.add(
                system=System(meta.system).proto,
                release=meta.release,
                effective_date=meta.effective_date.isoformat(),
                code_count=meta.code_count,
                billable_count=meta.billable_count,
                source=meta.source,
                content_digest=meta.source_digest,
            )
        return response

    @unary
    async def CheckPtpEdits(
        self, request: pb.CheckPtpEditsRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckPtpEditsResponse:
        return edits.check_ptp(self._datasets, request)

    @unary
    async def GetMue(
        self, request: pb.GetMueRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetMueResponse:
        return edits.get_mue(self._datasets, request)

    @unary
    async def CrosswalkGems(
        self, request: pb.CrosswalkGemsRequest, context: grpc.aio.ServicerContext
    ) -> pb.CrosswalkGemsResponse:
        return edits.crosswalk(self._datasets, self._catalog, request)

    @unary
    async def GetCcExclusions(
        self, request: pb.GetCcExclusionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCcExclusionsResponse:
        return edits.cc_exclusions(self._datasets, request)

    @unary
    async def ListDatasets(
        self, request: pb.ListDatasetsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListDatasetsResponse:
        response = pb.ListDatasetsResponse()
        for dataset in self._datasets.all():
            meta = dataset.meta
            response.datasets.add(
                kind=meta.kind,
                release=meta.release,
                effective_date=meta.effective_date.isoformat(),
                row_count=meta.row_count,
                source=meta.source,
                content_digest=meta.source_digest,
            )
        return response

    @unary
    async def GetNeighbours(
        self, request: pb.GetNeighboursRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetNeighboursResponse:
        system = _system(request.system)
        snapshot = self._snapshot(system, request.release)
        return code_history.neighbours(snapshot, system, request.code)

    @unary
    async def GetCodeHistory(
        self, request: pb.GetCodeHistoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCodeHistoryResponse:
        return code_history.history(self._catalog, _system(request.system), request.code)

    @streaming
    async def ExportCodes(
        self, request: pb.ExportCodesRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.ExportCodesResponse]:
        system = _system(request.system)
        snapshot = self._snapshot(system, request.release)
        # The search index finds codes by the index's words too ("pernio" -> T69.1).
        lookup = (
            await asyncio.to_thread(IndexLookup, self._datasets)
            if system is System.ICD10CM
            else None
        )
        inherited: dict[str, list[pb.IndexEntry]] = {}  # dashed lines, by the node they reach
        batch = pb.ExportCodesResponse()
        for node in snapshot.iter_nodes():
            message = export_code(snapshot, node, system=system)
            if lookup:
                above = inherited.get(node.parent or "", [])
                message.index_entries.extend(unique((*lookup.entries(node.code), *above)))
                dashed = lookup.dashed(node.code)
                if above or dashed:
                    inherited[node.code] = above + dashed
            batch.codes.append(message)
            if len(batch.codes) == _EXPORT_BATCH:
                yield batch
                batch = pb.ExportCodesResponse()
                await asyncio.sleep(0)  # let other RPCs run during a long export
        if batch.codes:
            yield batch

    @unary
    async def ListCodes(
        self, request: pb.ListCodesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListCodesResponse:
        system = _system(request.system)
        return list_codes(self._snapshot(system, request.release), request)
