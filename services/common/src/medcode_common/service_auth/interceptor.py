"""The server side: every RPC must carry a valid service token from an identity it allows.

One interceptor, installed by `medcode_common.grpc_server.create_server` next to the RPC
observer, so every service enforces the same rules. The standard health service stays open:
Kubernetes' gRPC probes cannot send a token. A handler that needs to know who called (an
operator-only branch) reads `current_caller()`.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import suppress
from contextvars import ContextVar
from typing import Any

import grpc

from medcode_common.rpc_handlers import Behaviour, rewrap
from medcode_common.service_auth.policy import MethodPolicy
from medcode_common.service_auth.tokens import TokenRefused, TokenVerifier

log = logging.getLogger(__name__)

METADATA_KEY = "authorization"
SCHEME = "Bearer "
#: Methods anyone may call: probes (kubelet, `medcode status`) carry no token.
OPEN_PREFIXES = ("/grpc.health.v1.Health/",)

_caller: ContextVar[str | None] = ContextVar("medcode_service_caller", default=None)


def current_caller() -> str | None:
    """The identity that made the RPC being handled (None outside an authenticated RPC)."""
    return _caller.get()


def bearer_token(metadata: Sequence[tuple[str, str | bytes]] | None) -> str | None:
    """The token of the first `authorization: Bearer <token>` entry, if any."""
    for key, value in metadata or ():
        if key == METADATA_KEY and isinstance(value, str) and value.startswith(SCHEME):
            return value[len(SCHEME) :]
    return None


class Refusal(Exception):
    """A call that may not proceed: its status code and the message the caller sees."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ServiceAuthInterceptor(grpc.aio.ServerInterceptor):
    """Checks the caller's token and the method's policy before every non-health RPC."""

    def __init__(self, *, verifier: TokenVerifier, policy: MethodPolicy) -> None:
        self.verifier = verifier
        self.policy = policy
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    @property
    def identity(self) -> str:
        """The service this interceptor guards (the audience its tokens must name)."""
        return self.verifier.audience

    def admit(self, method: str, metadata: Sequence[tuple[str, str | bytes]] | None) -> str:
        """The caller's identity if it may call `method`; Refusal otherwise."""
        token = bearer_token(metadata)
        if token is None:
            raise Refusal(
                grpc.StatusCode.UNAUTHENTICATED,
                f"{method} needs a service token (authorization: Bearer <jwt>)",
            )
        try:
            caller = self.verifier.verify(token)
        except TokenRefused as refused:
            raise Refusal(grpc.StatusCode.UNAUTHENTICATED, str(refused)) from None
        if caller not in self.policy.get(method, frozenset()):
            raise Refusal(grpc.StatusCode.PERMISSION_DENIED, f"{caller} may not call {method}")
        return caller

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = await continuation(handler_call_details)
            if handler is None or method.startswith(OPEN_PREFIXES):
                return handler
            wrapped = rewrap(handler, lambda behaviour: self._guarded(behaviour, method))
            self._wrapped[method] = wrapped
        return wrapped

    async def _admit_or_abort(self, method: str, context: grpc.aio.ServicerContext) -> str:
        try:
            return self.admit(method, context.invocation_metadata())
        except Refusal as refusal:
            log.warning("refused %s: %s", method, refusal.message)
            await context.abort(refusal.code, refusal.message)
            raise  # unreachable: abort raises

    def _guarded(self, behaviour: Behaviour, method: str) -> Behaviour:
        """`behaviour`, run only for an admitted caller, with `current_caller()` set."""
        admit = self._admit_or_abort
        if inspect.isasyncgenfunction(behaviour):

            async def streaming(
                request: Any, context: grpc.aio.ServicerContext
            ) -> AsyncIterator[Any]:
                token = _caller.set(await admit(method, context))
                try:
                    async for response in behaviour(request, context):
                        yield response
                finally:
                    with suppress(ValueError):  # finalised in another context
                        _caller.reset(token)

            return streaming
        if inspect.iscoroutinefunction(behaviour):

            async def answering(request: Any, context: grpc.aio.ServicerContext) -> Any:
                token = _caller.set(await admit(method, context))
                try:
                    return await behaviour(request, context)
                finally:
                    _caller.reset(token)

            return answering
        return self._guarded_sync(behaviour, method)

    def _guarded_sync(self, behaviour: Behaviour, method: str) -> Behaviour:
        """A synchronous handler (run in a thread by grpc.aio): checked the same way."""

        def answering(request: Any, context: Any) -> Any:
            try:
                caller = self.admit(method, context.invocation_metadata())
            except Refusal as refusal:
                log.warning("refused %s: %s", method, refusal.message)
                context.abort(refusal.code, refusal.message)
                raise
            token = _caller.set(caller)
            try:
                return behaviour(request, context)
            finally:
                _caller.reset(token)

        return answering
