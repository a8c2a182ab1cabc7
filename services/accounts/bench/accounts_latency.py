"""Latency of the accounts service's RPCs over loopback gRPC, with production argon2 parameters.

Run: .venv/bin/python services/accounts/bench/accounts_latency.py [--n 200]
Starts a real server (temp SQLite, its own valkey-server for events) and reports p50/p95 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode.plans.v1 import plans_pb2
from medcode_accounts.testing import AccountsThread, loopback_settings
from medcode_common import service_auth
from medcode_common.events import EventSettings
from medcode_common.events.valkey_server import ValkeyServer
from medcode_common.service_auth import ACCOUNTS, CLI, GATEWAY
from medcode_common.service_auth.testing import temporary_keyring

PASSWORD = "plum tree 1987 sailing"


def timed(n: int, call: Callable[[int], object]) -> tuple[float, float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="calls per RPC (hashing ones: n/10)")
    n = parser.parse_args().n
    with temporary_keyring(), ValkeyServer() as valkey, tempfile.TemporaryDirectory() as data:
        server = AccountsThread(
            loopback_settings(Path(data)), event_settings=EventSettings(redis_url=valkey.url)
        )
        server.start()
        try:
            with (
                service_auth.channel(
                    server.address, identity=GATEWAY, audience=ACCOUNTS
                ) as channel,
                service_auth.channel(server.address, identity=CLI, audience=ACCOUNTS) as operator,
            ):
                stub = pb_grpc.AccountsServiceStub(channel)
                slow = max(5, n // 10)
                rows = {
                    "Register (argon2id hash)": timed(
                        slow,
                        lambda i: stub.Register(
                            pb.RegisterRequest(email=f"b{i}@example.com", password=PASSWORD)
                        ),
                    ),
                    "Login (argon2id verify)": timed(
                        slow,
                        lambda i: stub.Login(
                            pb.LoginRequest(email=f"b{i}@example.com", password=PASSWORD)
                        ),
                    ),
                }
                key = (
                    pb_grpc.AccountsServiceStub(operator)
                    .CreateApiKey(pb.CreateApiKeyRequest(plan=plans_pb2.PLAN_PARTNER))
                    .secret
                )
                rows["VerifyApiKey"] = timed(
                    n, lambda i: stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=key))
                )
                rows["GetJwks"] = timed(n, lambda i: stub.GetJwks(pb.GetJwksRequest()))
        finally:
            server.stop()
    for name, (p50, p95) in rows.items():
        sys.stdout.write(f"{name:<26} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms\n")


if __name__ == "__main__":
    main()
