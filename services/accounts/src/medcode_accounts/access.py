"""Who may call each AccountsService method, and who may touch operator keys.

Users' sign-up, sessions and keys come through the gateway. Operator keys (no owner) are
the operator's alone: only the `cli` identity may create, list or revoke them, a rule the
key handlers apply with `require_operator_for_ownerless` (the method policy cannot see the
request).
"""

from __future__ import annotations

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_accounts.errors import PermissionDenied
from medcode_common.service_auth import CLI, GATEWAY, current_caller, service_policy

SERVICE = pb.DESCRIPTOR.services_by_name["AccountsService"]

POLICY = service_policy(
    SERVICE,
    {
        "Register": {GATEWAY},
        "Login": {GATEWAY},
        "Refresh": {GATEWAY},
        "Logout": {GATEWAY},
        "GetUser": {GATEWAY},
        "GetJwks": {GATEWAY},
        "VerifyApiKey": {GATEWAY},
        "CreateApiKey": {GATEWAY, CLI},
        "ListApiKeys": {GATEWAY, CLI},
        "RevokeApiKey": {GATEWAY, CLI},
        "ConfirmEmail": {GATEWAY},
    },
)


def require_operator_for_ownerless(owner_user_id: str) -> None:
    """PermissionDenied unless the key has an owner or the caller is the operator's CLI."""
    if not owner_user_id and current_caller() != CLI:
        raise PermissionDenied(
            f"operator API keys (no owner_user_id) are managed only by the {CLI} identity; "
            f"{current_caller()} may manage only a user's own keys"
        )
