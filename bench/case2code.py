"""Benchmark: Case2Code quality over the vignettes, and its latency in process and over gRPC.

Quality: every vignette of `services/assistant/eval/case2code_vignettes.yaml` through
`Case2Coder` over a real search service (codes + search started here, on loopback, over the
default data in `var/` or MEDCODE_CODES_DATA_DIR): recall@5 (a current problem counts when
one of its accepted codes is among the first five suggestions) and the number of negated or
historical conditions suggested (any `not_current` code among the suggestions; target 0).
Every code the vignettes name is first checked to be valid in the loaded release.
Latency: a 200-word note, p50/p95 over repeated calls, in process (`Case2Coder.suggest`,
search over gRPC) and over gRPC (a Case2Code servicer in this process on loopback, called
through a channel; the assistant service's own RPC is wired to the same `Case2Coder`).

    python bench/case2code.py [--repeat 200] [--search-address HOST:PORT]
Writes bench/results/case2code.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import grpc
import yaml

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode.assistant.v1 import assistant_service_pb2_grpc as assistant_grpc
from medcode.search.v1 import search_service_pb2_grpc as search_grpc
from medcode_assistant.case2code import Case2Coder, GrpcCodeSearch
from medcode_common.service_auth import ASSISTANT, SEARCH
from medcode_common.service_auth.channels import aio_channel, load_signer

HERE = Path(__file__).resolve().parent
VIGNETTES = HERE.parent / "services/assistant/eval/case2code_vignettes.yaml"
NOTE_200_WORDS = (
    "Chief complaint: follow-up of chronic conditions and new left knee pain. "
    "History of present illness: 67-year-old woman with type 2 diabetes and chronic kidney "
    "disease stage 3a, hypertension and hyperlipidemia, seen for routine follow-up. She reports "
    "left knee pain for three weeks, worse on stairs and after long walks, without trauma. She "
    "denies chest pain, denies shortness of breath and has no fever. History of MI in 2015, "
    "status post appendectomy as a child. Family history: mother had breast cancer. "
    "Review of systems: no nausea, no vomiting, no dysuria. She sleeps poorly and reports "
    "insomnia for two months. Medications: metformin, lisinopril, atorvastatin, aspirin. "
    "Examination: blood pressure 148/86, pulse 78, BMI 31. The left knee shows crepitus and "
    "mild effusion with a full range of motion. Feet: monofilament sensation intact, no ulcer. "
    "Laboratory: HbA1c 7.9 percent, eGFR 52, potassium normal. Assessment and plan: type 2 "
    "diabetes with CKD stage 3a, continue metformin at a reduced dose and recheck renal "
    "function in three months. Hypertension with chronic kidney disease, above goal; increase "
    "lisinopril. Hyperlipidemia, continue statin. Left knee pain, likely osteoarthritis of the "
    "left knee; x-ray ordered and physical therapy referral. Insomnia: sleep hygiene reviewed. "
    "Return if fever or chest pain develop."
)


def load_vignettes() -> list[dict[str, Any]]:
    return list(yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))["vignettes"])


async def invalid_codes(search: GrpcCodeSearch, vignettes: list[dict[str, Any]]) -> list[str]:
    """Codes the vignettes name that the loaded release does not have (ICD-10-CM only)."""
    named = {c for v in vignettes for group in v["problems"] for c in group}
    named |= {c for v in vignettes for c in v["not_current"] if "." in c or len(c) <= 5}
    missing = []
    for code in sorted(named):
        hits = await search.search(code, systems=("icd10cm",), limit=3)
        if not any(hit.code == code for hit in hits):
            missing.append(code)
    return missing


async def quality(coder: Case2Coder, vignettes: list[dict[str, Any]]) -> dict[str, Any]:
    found = total = wrong = 0
    misses, wrongs = [], []
    for vignette in vignettes:
        reply = await coder.suggest(vignette["text"], 10)
        top5 = [s.code for s in reply.suggestions[:5]]
        everything = {s.code for s in reply.suggestions}
        for group in vignette["problems"]:
            total += 1
            if set(group) & set(top5):
                found += 1
            else:
                misses.append({"id": vignette["id"], "accepted": group, "top5": top5})
        bad = sorted(everything & set(vignette["not_current"]))
        wrong += len(bad)
        if bad:
            wrongs.append({"id": vignette["id"], "suggested": bad})
    return {
        "vignettes": len(vignettes),
        "problems": total,
        "recall_at_5": round(found / total, 3),
        "negated_or_historical_suggested": wrong,
        "with_negated_or_historical": sum(1 for v in vignettes if v["not_current"]),
        "misses": misses,
        "wrongly_suggested": wrongs,
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "n": len(ordered),
    }


class _Case2CodeOnly(assistant_grpc.AssistantServiceServicer):
    """Case2Code as the assistant service answers it, for the over-gRPC measurement."""

    def __init__(self, coder: Case2Coder) -> None:
        self._coder = coder

    async def Case2Code(  # noqa: N802 (gRPC method name)
        self, request: pb.Case2CodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.Case2CodeResponse:
        return await self._coder.suggest(request.text, request.limit)


async def latency(coder: Case2Coder, repeat: int) -> dict[str, Any]:
    words = len(NOTE_200_WORDS.split())
    for _ in range(5):
        await coder.suggest(NOTE_200_WORDS, 10)  # the pipeline and channels warm up
    inside = []
    for _ in range(repeat):
        started = time.perf_counter()
        await coder.suggest(NOTE_200_WORDS, 10)
        inside.append(time.perf_counter() - started)
    server = grpc.aio.server()
    assistant_grpc.add_AssistantServiceServicer_to_server(_Case2CodeOnly(coder), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    over = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = assistant_grpc.AssistantServiceStub(channel)
        request = pb.Case2CodeRequest(text=NOTE_200_WORDS, limit=10)
        for _ in range(5):
            await stub.Case2Code(request)
        for _ in range(repeat):
            started = time.perf_counter()
            await stub.Case2Code(request)
            over.append(time.perf_counter() - started)
    await server.stop(0)
    return {"note_words": words, "in_process": percentiles(inside), "grpc": percentiles(over)}


async def run(search_address: str, repeat: int) -> dict[str, Any]:
    channel = aio_channel(search_address, signer=load_signer(ASSISTANT), audience=SEARCH)
    search = GrpcCodeSearch(search_grpc.SearchServiceStub(channel))
    coder = Case2Coder(search)
    vignettes = load_vignettes()
    result: dict[str, Any] = {"invalid_vignette_codes": await invalid_codes(search, vignettes)}
    result["quality"] = await quality(coder, vignettes)
    result["latency"] = await latency(coder, repeat)
    await channel.close()
    return result


def _with_services(repeat: int) -> dict[str, Any]:
    """codes + search on loopback over the default data, as the platform runs them."""
    from medcode_codes.importers.defaults import import_defaults
    from medcode_codes.settings import CodesSettings
    from medcode_codes.testing import ServerThread
    from medcode_common.service_auth.testing import temporary_keyring
    from medcode_search.settings import SearchSettings
    from medcode_search.testing import SearchThread

    data_dir = Path(os.environ.get("MEDCODE_CODES_DATA_DIR", "var")).resolve()
    import_defaults(data_dir)
    with temporary_keyring():
        codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
        codes.start()
        settings = SearchSettings(
            host="127.0.0.1",
            port=0,
            codes_addr=f"127.0.0.1:{codes.port}",
            index_dir=data_dir / "search",
            events=False,
        )
        search = SearchThread(settings)
        search.start()
        try:
            return asyncio.run(run(f"127.0.0.1:{search.port}", repeat))
        finally:
            search.stop()
            codes.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--search-address", help="a running search service (keys from env)")
    args = parser.parse_args()
    if args.search_address:
        result = asyncio.run(run(args.search_address, args.repeat))
    else:
        result = _with_services(args.repeat)
    out = HERE / "results/case2code.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
