"""Latency of the accounts service's RPCs over loopback gRPC, with production argon2 parameters,
alone and while 200 clients flood Login (what the password pool's admission control is for).

Run: .venv/bin/python services/accounts/bench/accounts_latency.py [--n 200]
Starts a real server (temp SQLite, its own valkey-server for events, no mail) and reports
p50/p95 in ms, and how the flood's sign-ins were answered.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc

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


@contextmanager
def login_flood(address: str, email: str, clients: int = 200) -> Iterator[Counter[str]]:
    """`clients` concurrent sign-ins, each again 50 ms after its answer, until the block ends."""
    codes: Counter[str] = Counter()
    stop = threading.Event()

    async def client(stub: pb_grpc.AccountsServiceStub) -> None:
        while not stop.is_set():
            try:
                await stub.Login(pb.LoginRequest(email=email, password=PASSWORD), timeout=60)
                codes["OK"] += 1
            except grpc.aio.AioRpcError as error:
                codes[error.code().name] += 1
            await asyncio.sleep(0.05)

    async def run() -> None:
        signer = service_auth.load_signer(GATEWAY)
        async with service_auth.aio_channel(address, signer=signer, audience=ACCOUNTS) as channel:
            stub = pb_grpc.AccountsServiceStub(channel)
            await asyncio.gather(*(client(stub) for _ in range(clients)))

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    time.sleep(1.0)  # let the pool fill up
    try:
        yield codes
    finally:
        stop.set()
        thread.join(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="calls per RPC (hashing ones: n/10)")
    n = parser.parse_args().n
    with temporary_keyring(), ValkeyServer() as valkey, tempfile.TemporaryDirectory() as data:
        settings = loopback_settings(Path(data), send_mail=False)
        server = AccountsThread(settings, event_settings=EventSettings(redis_url=valkey.url))
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
                signups = server.runtime.backend.accounts.signups  # type: ignore[union-attr]
                rows = {
                    "Register (argon2id hash)": timed(
                        slow,
                        lambda i: stub.Register(
                            pb.RegisterRequest(email=f"b{i}@example.com", password=PASSWORD)
                        ),
                    ),
                }
                for i in range(slow):  # as if each opened the mailed link
                    signups.confirm_address(email=f"b{i}@example.com")
                rows |= {
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
                user_id = stub.Login(pb.LoginRequest(email="b0@example.com", password=PASSWORD))
                get_user = pb.GetUserRequest(user_id=user_id.user.user_id)
                rows["VerifyApiKey"] = timed(
                    n, lambda i: stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=key))
                )
                rows["GetJwks"] = timed(n, lambda i: stub.GetJwks(pb.GetJwksRequest()))
                rows["GetUser"] = timed(n, lambda i: stub.GetUser(get_user))
                with login_flood(server.address, "b1@example.com") as flood:
                    rows["GetUser, 200 logging in"] = timed(n, lambda i: stub.GetUser(get_user))
                    rows["VerifyApiKey, 200 logging in"] = timed(
                        n, lambda i: stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=key))
                    )
        finally:
            server.stop()
    for name, (p50, p95) in rows.items():
        sys.stdout.write(f"{name:<30} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms\n")
    sys.stdout.write(f"flood sign-ins answered: {dict(flood)}\n")


if __name__ == "__main__":
    main()
