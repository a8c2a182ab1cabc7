"""The client side: channels whose every call carries this process's token for the callee.

`aio_channel` replaces `grpc.aio.insecure_channel` in services and the gateway, `channel`
replaces `grpc.insecure_channel` in the CLI, tests and benchmarks. The token rides in the
`authorization` metadata; the caller's identity is fixed by the private key it signs with.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

import grpc

from medcode_common.service_auth.interceptor import METADATA_KEY, SCHEME
from medcode_common.service_auth.keys import load_private_key
from medcode_common.service_auth.settings import ServiceAuthSettings
from medcode_common.service_auth.tokens import TokenSigner

ChannelOptions = Sequence[tuple[str, Any]]


def load_signer(identity: str, settings: ServiceAuthSettings | None = None) -> TokenSigner:
    """A signer for `identity` from its private key file; ServiceKeyError if there is none."""
    settings = settings or ServiceAuthSettings()
    key = load_private_key(settings.private_key_file(identity))
    return TokenSigner(identity, key, ttl_seconds=settings.token_ttl_seconds)


def _with_token(metadata: Any, token: str) -> list[tuple[str, str | bytes]]:
    pairs = [(k, v) for k, v in metadata or () if k != METADATA_KEY]
    pairs.append((METADATA_KEY, f"{SCHEME}{token}"))
    return pairs


class _AioToken:
    """Adds the token to each call's metadata (a new Metadata: the caller's is never changed)."""

    def __init__(self, signer: TokenSigner, audience: str) -> None:
        self._signer = signer
        self._audience = audience

    def details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        pairs = _with_token(details.metadata, self._signer.token(self._audience))
        return details._replace(metadata=grpc.aio.Metadata(*pairs))  # type: ignore[attr-defined,no-any-return]


class _AioUnaryUnary(_AioToken, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(self.details(client_call_details), request)


class _AioUnaryStream(_AioToken, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        return await continuation(self.details(client_call_details), request)


class _AioStreamUnary(_AioToken, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(self.details(client_call_details), request_iterator)


class _AioStreamStream(_AioToken, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await continuation(self.details(client_call_details), request_iterator)


def token_interceptors(signer: TokenSigner, audience: str) -> list[grpc.aio.ClientInterceptor]:
    """One interceptor per call shape (aio picks interceptors by the shape they implement)."""
    return [
        _AioUnaryUnary(signer, audience),
        _AioUnaryStream(signer, audience),
        _AioStreamUnary(signer, audience),
        _AioStreamStream(signer, audience),
    ]


def aio_channel(
    target: str,
    *,
    signer: TokenSigner,
    audience: str,
    options: ChannelOptions | None = None,
    interceptors: Sequence[grpc.aio.ClientInterceptor] = (),
) -> grpc.aio.Channel:
    """An asyncio channel to `audience` at `target`, every call signed by `signer`."""
    return grpc.aio.insecure_channel(
        target,
        options=list(options or ()),
        interceptors=[*token_interceptors(signer, audience), *interceptors],
    )


class _CallDetails(
    namedtuple(
        "_CallDetails",
        ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression"),
    ),
    grpc.ClientCallDetails,
):
    """Call details with our metadata (grpc's own class is private)."""


class _SyncToken(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """The blocking API's interceptor: one class serves every call shape."""

    def __init__(self, signer: TokenSigner, audience: str) -> None:
        self._signer = signer
        self._audience = audience

    def _details(self, details: Any) -> _CallDetails:
        pairs = _with_token(details.metadata, self._signer.token(self._audience))
        return _CallDetails(
            details.method,
            details.timeout,
            pairs,
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def intercept_unary_unary(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request)

    def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, requests: Any
    ) -> Any:
        return continuation(self._details(client_call_details), requests)

    def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, requests: Any
    ) -> Any:
        return continuation(self._details(client_call_details), requests)


def channel(
    target: str,
    *,
    identity: str,
    audience: str,
    options: ChannelOptions | None = None,
    settings: ServiceAuthSettings | None = None,
    signer: TokenSigner | None = None,
) -> grpc.Channel:
    """A blocking channel to `audience` at `target`, calling as `identity` (a context manager).

    The private key comes from MEDCODE_SERVICE_* (or `settings`) unless a `signer` is given.
    """
    signer = signer or load_signer(identity, settings)
    if signer.identity != identity:
        raise ValueError(f"a signer for {signer.identity} cannot call as {identity}")
    inner = grpc.insecure_channel(target, options=list(options or ()))
    return grpc.intercept_channel(inner, _SyncToken(signer, audience))
