"""Benchmark: CasePilot's Ask (per intent) and Case2Code latency through the gateway (HTTP).

Starts the bench stack (codes over the default data plus the reference CMS files, metering,
accounts, the gateway, as processes) with search and the assistant in this process on
loopback, and asks bench/assistant_ask.py's questions `--rounds` times, one at a time, as a
Pro user (one ConsumeQuestion call to metering, unlimited) and as a partner key (TakeQuota
instead), then Case2Code on bench/case2code.py's 200-word note as the Pro user. Reports
p50/p95/max per intent and overall for each caller; the issue's bars are Ask p95 <= 150 ms and
Case2Code p95 <= 300 ms for a 200-word note.

    python bench/gateway_assistant.py [--rounds 10]
Writes bench/results/gateway_assistant.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from assistant_ask import QUESTIONS, _stats, reference_data
from case2code import NOTE_200_WORDS
from stack import free_port, stack

from medcode_assistant.settings import AssistantSettings
from medcode_assistant.testing import AssistantThread
from medcode_search.settings import SearchSettings
from medcode_search.testing import SearchThread

ROOT = Path(__file__).resolve().parents[1]


def measure(url: str, headers: dict[str, str], rounds: int) -> dict[str, dict[str, float]]:
    """Per-intent latency of /v1/assistant/ask for one caller."""
    timings: dict[str, list[float]] = defaultdict(list)
    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        for question in QUESTIONS:  # warm-up
            client.post("/v1/assistant/ask", json={"question": question}).raise_for_status()
        for _ in range(rounds):
            for question in QUESTIONS:
                started = time.perf_counter()
                reply = client.post("/v1/assistant/ask", json={"question": question})
                elapsed = (time.perf_counter() - started) * 1000
                reply.raise_for_status()
                timings[reply.json()["intent"]].append(elapsed)
    summary = {name: _stats(values) for name, values in sorted(timings.items())}
    summary["overall"] = _stats([v for values in timings.values() for v in values])
    return summary


def measure_case2code(url: str, headers: dict[str, str], rounds: int) -> dict[str, float]:
    """Latency of /v1/case2code for the 200-word note, `rounds` times after a warm-up."""
    body = {"text": NOTE_200_WORDS}
    timings = []
    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        for _ in range(5):
            client.post("/v1/case2code", json=body).raise_for_status()
        for _ in range(rounds):
            started = time.perf_counter()
            reply = client.post("/v1/case2code", json=body)
            timings.append((time.perf_counter() - started) * 1000)
            reply.raise_for_status()
    return _stats(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    assistant_port = free_port()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        data = reference_data(Path(folder))
        env = {"MEDCODE_GATEWAY_ASSISTANT_ADDR": f"127.0.0.1:{assistant_port}"}
        with stack(data, **env) as running:
            codes_address = running.env["MEDCODE_GATEWAY_CODES_ADDR"]
            search = SearchThread(
                SearchSettings(
                    host="127.0.0.1", port=0, codes_addr=codes_address, events=False,
                    warm=False, index_dir=ROOT / "var" / "test-data" / "search",
                )
            )  # fmt: skip
            search.start()
            assistant = AssistantThread(
                AssistantSettings(
                    host="127.0.0.1", port=assistant_port, metrics_port=0,
                    codes_addr=codes_address, search_addr=f"127.0.0.1:{search.port}",
                )
            )  # fmt: skip
            assistant.start()
            try:
                pro = {"Authorization": f"Bearer {running.user_token(plan='pro')}"}
                results["pro_user"] = measure(running.url, pro, args.rounds)
                key = running.operator_key(plan="partner", quota=1_000_000, rps=10_000)
                results["partner_key"] = measure(running.url, {"X-API-Key": key}, args.rounds)
                results["pro_user_case2code"] = {
                    "note_200_words": measure_case2code(running.url, pro, args.rounds * 10)
                }
            finally:
                assistant.stop()
                search.stop()
    out = ROOT / "bench" / "results" / "gateway_assistant.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for caller, summary in results.items():
        for name, stats in summary.items():
            timing = f"p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms"
            print(f"{caller:12} {name:22} {timing}  max {stats['max_ms']:7.1f} ms  n={stats['n']}")


if __name__ == "__main__":
    main()
