"""Service-to-service authentication: who is calling, and may they call this method.

Every identity (gateway, codes, search, metering, accounts, cli) has an Ed25519 key pair.
A caller sends a short-lived EdDSA JWT (`iss` = itself, `aud` = the callee) as
`authorization: Bearer` metadata on every call (`channel`, `aio_channel`); every service
verifies it and checks its own per-method policy (`server_interceptor`, installed by
`create_server`). A missing or bad token is UNAUTHENTICATED, a caller the policy does not
name is PERMISSION_DENIED; the health service stays open for probes.
"""

from __future__ import annotations

import logging

from medcode_common.service_auth.channels import aio_channel, channel, load_signer
from medcode_common.service_auth.identities import (
    ACCOUNTS,
    ASSISTANT,
    CLI,
    CODES,
    GATEWAY,
    IDENTITIES,
    METERING,
    SEARCH,
)
from medcode_common.service_auth.interceptor import ServiceAuthInterceptor, current_caller
from medcode_common.service_auth.keys import ServiceKeyError, create_keys, load_public_keys
from medcode_common.service_auth.policy import MethodPolicy, service_policy, undeclared_methods
from medcode_common.service_auth.settings import ServiceAuthSettings
from medcode_common.service_auth.tokens import TokenSigner, TokenVerifier

log = logging.getLogger(__name__)


def server_interceptor(
    identity: str, policy: MethodPolicy, settings: ServiceAuthSettings | None = None
) -> ServiceAuthInterceptor:
    """The interceptor for service `identity`, trusting the public keys in the keys folder.

    Raises ServiceKeyError when the folder has no public key: a service never starts open.
    """
    settings = settings or ServiceAuthSettings()
    keys = load_public_keys(settings.keys_dir)
    allowed = frozenset().union(*policy.values()) if policy else frozenset()
    missing = sorted(allowed - keys.keys())
    if missing:
        log.warning(
            "%s: no public key in %s for %s: their calls will be refused",
            identity, settings.keys_dir, ", ".join(missing),
        )  # fmt: skip
    log.info("%s: service tokens checked against %s", identity, ", ".join(sorted(keys)))
    return ServiceAuthInterceptor(
        verifier=TokenVerifier(audience=identity, public_keys=keys), policy=policy
    )


__all__ = [
    "ACCOUNTS",
    "ASSISTANT",
    "CLI",
    "CODES",
    "GATEWAY",
    "IDENTITIES",
    "METERING",
    "SEARCH",
    "MethodPolicy",
    "ServiceAuthInterceptor",
    "ServiceAuthSettings",
    "ServiceKeyError",
    "TokenSigner",
    "TokenVerifier",
    "aio_channel",
    "channel",
    "create_keys",
    "current_caller",
    "load_signer",
    "server_interceptor",
    "service_policy",
    "undeclared_methods",
]
