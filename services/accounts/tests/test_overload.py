"""A flood of sign-ins is refused (RESOURCE_EXHAUSTED + retry-after) while other calls answer.

Sign-in hashes with argon2id on a bounded pool of its own; beyond its queue a sign-in is
turned away at once. The other methods never wait behind the hashing, so the user lookups,
key checks and key sets a page needs keep answering within the gateway's deadline.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import grpc
from argon2 import PasswordHasher

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode.plans.v1 import plans_pb2
from medcode_accounts.passwords import PasswordHashing
from medcode_common import service_auth
from medcode_common.service_auth import ACCOUNTS, GATEWAY

from .conftest import PASSWORD, StartServer
from .test_outbox import wait_for

FLOOD = 200  # concurrent sign-ins, as in the report of the outage
DEADLINE = 2.0  # the gateway's deadline for these calls


class SignInFlood:
    """`FLOOD` clients signing in over and over (pausing briefly after each answer)."""

    def __init__(self, address: str) -> None:
        self._address = address
        self._stop = threading.Event()
        self.codes: Counter[grpc.StatusCode] = Counter()
        self.retry_afters: set[str] = set()
        self.details: set[str] = set()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _client(self, stub: pb_grpc.AccountsServiceStub) -> None:
        request = pb.LoginRequest(email="busy@example.com", password=PASSWORD)
        while not self._stop.is_set():
            try:
                await stub.Login(request, timeout=60)
                self.codes[grpc.StatusCode.OK] += 1
            except grpc.aio.AioRpcError as error:
                self.codes[error.code()] += 1
                self.details.add(error.details() or "")
                metadata = dict(error.trailing_metadata() or ())
                if "retry-after" in metadata:
                    self.retry_afters.add(str(metadata["retry-after"]))
            await asyncio.sleep(0.05)

    async def _run(self) -> None:
        signer = service_auth.load_signer(GATEWAY)
        async with service_auth.aio_channel(
            self._address, signer=signer, audience=ACCOUNTS
        ) as channel:
            stub = pb_grpc.AccountsServiceStub(channel)
            await asyncio.gather(*(self._client(stub) for _ in range(FLOOD)))

    def __enter__(self) -> SignInFlood:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=120)


def test_a_sign_in_flood_is_refused_while_other_calls_answer(start_server: StartServer) -> None:
    server = start_server(
        hashing=PasswordHashing(PasswordHasher()),  # argon2-cffi's defaults, as in production
        password_workers=1,
        password_queue=2,
    )
    user = server.sign_up("busy@example.com").user
    owner = server.sign_up("keys@example.com").user
    server.runtime.backend.accounts.set_plan(email="keys@example.com", plan="partner")
    secret = server.stub.CreateApiKey(pb.CreateApiKeyRequest(owner_user_id=owner.user_id)).secret
    with SignInFlood(server.thread.address) as flood:
        wait_for(lambda: flood.codes[grpc.StatusCode.RESOURCE_EXHAUSTED] > FLOOD, "refusals")
        for _ in range(20):
            got = server.stub.GetUser(pb.GetUserRequest(user_id=user.user_id), timeout=DEADLINE)
            assert got.user.email == "busy@example.com"
            key = server.stub.VerifyApiKey(pb.VerifyApiKeyRequest(api_key=secret), timeout=DEADLINE)
            assert key.key.plan == plans_pb2.PLAN_PARTNER
            assert server.stub.GetJwks(pb.GetJwksRequest(), timeout=DEADLINE).jwks_json
        wait_for(lambda: flood.codes[grpc.StatusCode.OK] > 0, "some sign-ins to get through")
    assert set(flood.codes) == {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert flood.details == {"too many sign-ins and sign-ups at once; try again in a moment"}
    assert flood.retry_afters and all(int(value) >= 1 for value in flood.retry_afters)
    refused = server.runtime.registry.get_sample_value("medcode_accounts_password_refused_total")
    assert refused == flood.codes[grpc.StatusCode.RESOURCE_EXHAUSTED]
