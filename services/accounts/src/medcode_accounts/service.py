"""The AccountsService gRPC servicer: runs the blocking account calls off the event loop.

Sign-up and sign-in (argon2id) run on the bounded password pool, every other call on the
loop's default threads, so a flood of sign-ins is refused (429) instead of stalling the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode.accounts.v1 import accounts_service_pb2_grpc as pb_grpc
from medcode_accounts.access import require_operator_for_ownerless
from medcode_accounts.accounts import Accounts, SignedIn
from medcode_accounts.api_keys import KEY_PREFIX, ApiKeys
from medcode_accounts.errors import unary
from medcode_accounts.models import ApiKey, User
from medcode_accounts.password_pool import PasswordWorkPool
from medcode_accounts.plans import plan_proto, requested_plan
from medcode_accounts.signing_keys import SigningKeys

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["AccountsService"].full_name
T = TypeVar("T")


def _timestamp(when: datetime | None) -> Timestamp | None:
    if when is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(when)
    return stamp


def user_message(user: User) -> pb.User:
    return pb.User(
        user_id=str(user.id),
        email=user.email,
        plan=plan_proto(user.plan),
        legacy_plan=user.plan,
        created_at=_timestamp(user.created_at),
    )


def key_message(key: ApiKey) -> pb.ApiKey:
    return pb.ApiKey(
        key_id=key.key_id,
        prefix=f"{KEY_PREFIX}{key.key_id}",
        name=key.name,
        plan=plan_proto(key.plan),
        legacy_plan=key.plan,
        monthly_quota=key.monthly_quota,
        rate_per_second=key.rate_per_second,
        created_at=_timestamp(key.created_at),
        last_used_at=_timestamp(key.last_used_at),
        revoked=key.revoked_at is not None,
        owner_user_id=str(key.owner_user_id) if key.owner_user_id else "",
    )


class AccountsServicer(pb_grpc.AccountsServiceServicer):
    """Maps requests to `Accounts`/`ApiKeys` calls; errors become statuses via `errors.unary`."""

    def __init__(
        self,
        *,
        accounts: Accounts,
        keys: ApiKeys,
        signing_keys: SigningKeys,
        issuer: str,
        audience: str,
        password_pool: PasswordWorkPool,
        on_event: Callable[[], None] = lambda: None,
    ) -> None:
        self._accounts = accounts
        self._keys = keys
        self._passwords = password_pool
        self._jwks = pb.GetJwksResponse(
            jwks_json=signing_keys.jwks_json(), issuer=issuer, audience=audience
        )
        self._on_event = on_event

    @staticmethod
    async def _run(call: Callable[[], T]) -> T:
        """Hashing and database work block; keep them off the event loop."""
        return await asyncio.to_thread(call)

    def _pair(self, signed_in: SignedIn) -> pb.TokenPair:
        return pb.TokenPair(
            access_token=signed_in.access_token,
            access_expires_in=self._accounts.access.ttl_seconds,
            refresh_token=signed_in.refresh_token,
            refresh_expires_in=self._accounts.refresh_ttl,
            token_type="Bearer",
        )

    @unary
    async def Register(
        self, request: pb.RegisterRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterResponse:
        signups = self._accounts.signups
        await self._passwords.run(
            lambda: signups.register(
                email=request.email,
                password=request.password,
                guest_id=request.guest_id,
                client_ip=request.client_ip,
            )
        )
        self._on_event()
        return pb.RegisterResponse(confirm_within_seconds=signups.confirmation_ttl_seconds)

    @unary
    async def ConfirmEmail(
        self, request: pb.ConfirmEmailRequest, context: grpc.aio.ServicerContext
    ) -> pb.ConfirmEmailResponse:
        user = await self._run(lambda: self._accounts.signups.confirm(token=request.token))
        self._on_event()
        return pb.ConfirmEmailResponse(user=user_message(user))

    @unary
    async def Login(
        self, request: pb.LoginRequest, context: grpc.aio.ServicerContext
    ) -> pb.LoginResponse:
        signed_in = await self._passwords.run(
            lambda: self._accounts.login(
                email=request.email, password=request.password, client_ip=request.client_ip
            )
        )
        return pb.LoginResponse(user=user_message(signed_in.user), tokens=self._pair(signed_in))

    @unary
    async def Refresh(
        self, request: pb.RefreshRequest, context: grpc.aio.ServicerContext
    ) -> pb.RefreshResponse:
        signed_in = await self._run(
            lambda: self._accounts.refresh(refresh_token=request.refresh_token)
        )
        return pb.RefreshResponse(user=user_message(signed_in.user), tokens=self._pair(signed_in))

    @unary
    async def Logout(
        self, request: pb.LogoutRequest, context: grpc.aio.ServicerContext
    ) -> pb.LogoutResponse:
        await self._run(lambda: self._accounts.logout(refresh_token=request.refresh_token))
        return pb.LogoutResponse()

    @unary
    async def GetUser(
        self, request: pb.GetUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetUserResponse:
        user = await self._run(lambda: self._accounts.get_user(user_id=request.user_id))
        return pb.GetUserResponse(user=user_message(user))

    async def GetJwks(
        self, request: pb.GetJwksRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetJwksResponse:
        return self._jwks

    @unary
    async def CreateApiKey(
        self, request: pb.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateApiKeyResponse:
        require_operator_for_ownerless(request.owner_user_id)
        key, secret = await self._run(
            lambda: self._keys.create(
                owner_user_id=request.owner_user_id,
                name=request.name,
                plan=requested_plan(request.plan, request.legacy_plan),
                monthly_quota=request.monthly_quota,
                rate=request.rate_per_second,
            )
        )
        return pb.CreateApiKeyResponse(key=key_message(key), secret=secret)

    @unary
    async def ListApiKeys(
        self, request: pb.ListApiKeysRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListApiKeysResponse:
        require_operator_for_ownerless(request.owner_user_id)
        keys = await self._run(lambda: self._keys.list_keys(owner_user_id=request.owner_user_id))
        return pb.ListApiKeysResponse(keys=[key_message(k) for k in keys])

    @unary
    async def RevokeApiKey(
        self, request: pb.RevokeApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.RevokeApiKeyResponse:
        require_operator_for_ownerless(request.owner_user_id)
        await self._run(
            lambda: self._keys.revoke(owner_user_id=request.owner_user_id, key_id=request.key_id)
        )
        self._on_event()
        return pb.RevokeApiKeyResponse()

    @unary
    async def VerifyApiKey(
        self, request: pb.VerifyApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> pb.VerifyApiKeyResponse:
        key = await self._run(lambda: self._keys.verify(api_key=request.api_key))
        return pb.VerifyApiKeyResponse(key=key_message(key))
