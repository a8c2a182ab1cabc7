"""Typed reads from the codes and search services: every fact CasePilot states comes from here."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import grpc

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode.search.v1 import search_service_pb2 as spb
from medcode_assistant.clients import DataClients
from medcode_common.codesystems import System

DATASETS_TTL_SECONDS = 30.0


class Lookup:
    """The codes and search RPCs an answer needs, with the service's deadline on each."""

    def __init__(self, clients: DataClients) -> None:
        self._clients = clients
        self._datasets: dict[str, cpb.Dataset] = {}
        self._datasets_at = float("-inf")

    @property
    def _timeout(self) -> float:
        return self._clients.timeout

    async def get_code(self, system: System, code: str) -> cpb.Code | None:
        """The code's full record in the current release, or None when it is not there."""
        try:
            reply = await self._clients.codes.GetCode(
                cpb.GetCodeRequest(system=system.proto, code=code),  # type: ignore[arg-type]
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                return None
            raise
        return reply.code

    async def validate(
        self, system: System, codes: Iterable[str]
    ) -> tuple[dict[str, cpb.CodeVerdict], str]:
        """Each code's verdict in the current release (keyed by the input) and that release."""
        wanted = sorted(set(codes))
        if not wanted:
            return {}, ""
        try:
            reply = await self._clients.codes.ValidateCodes(
                cpb.ValidateCodesRequest(system=system.proto, codes=wanted),  # type: ignore[arg-type]
                timeout=self._timeout,
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
                return {}, ""  # the system is not loaded here: nothing of it is valid
            raise
        return {verdict.input: verdict for verdict in reply.verdicts}, reply.release

    async def children(self, system: System, code: str) -> cpb.ListChildrenResponse:
        """The code's direct children."""
        return await self._clients.codes.ListChildren(
            cpb.ListChildrenRequest(system=system.proto, code=code),  # type: ignore[arg-type]
            timeout=self._timeout,
        )

    async def crosswalk(self, from_system: str, code: str) -> cpb.CrosswalkGemsResponse:
        """GEM mappings of `code` ("icd9cm", "icd10cm", "icd9pcs", "icd10pcs")."""
        return await self._clients.codes.CrosswalkGems(
            cpb.CrosswalkGemsRequest(from_system=from_system, code=code), timeout=self._timeout
        )

    async def ptp(
        self, codes: Sequence[str], *, hospital: bool = False
    ) -> cpb.CheckPtpEditsResponse:
        """NCCI procedure-to-procedure edits among `codes` (practitioner or hospital table)."""
        setting = cpb.PTP_SETTING_HOSPITAL if hospital else cpb.PTP_SETTING_PRACTITIONER
        return await self._clients.codes.CheckPtpEdits(
            cpb.CheckPtpEditsRequest(codes=list(codes), setting=setting), timeout=self._timeout
        )

    async def mue(self, code: str) -> cpb.GetMueResponse:
        """MUE values of `code` in every setting loaded."""
        return await self._clients.codes.GetMue(cpb.GetMueRequest(code=code), timeout=self._timeout)

    async def cc_exclusions(self, code: str, principal: str = "") -> cpb.GetCcExclusionsResponse:
        """CC/MCC level of `code` and, given a principal diagnosis, whether it is excluded."""
        return await self._clients.codes.GetCcExclusions(
            cpb.GetCcExclusionsRequest(code=code, principal=principal), timeout=self._timeout
        )

    async def datasets(self) -> dict[str, cpb.Dataset]:
        """Loaded data sets by kind, re-read at most every few seconds."""
        now = time.monotonic()
        if now - self._datasets_at > DATASETS_TTL_SECONDS:
            reply = await self._clients.codes.ListDatasets(
                cpb.ListDatasetsRequest(), timeout=self._timeout
            )
            self._datasets = {dataset.kind: dataset for dataset in reply.datasets}
            self._datasets_at = now
        return self._datasets

    async def search(
        self, query: str, *, systems: Sequence[System] = (), limit: int = 5
    ) -> list[spb.Hit]:
        """The search service's best codes for a description."""
        request = spb.SearchRequest(query=query, limit=limit, systems=[s.value for s in systems])
        reply = await self._clients.search.Search(request, timeout=self._timeout)
        return list(reply.hits)
