"""Per-method authorisation: which identities may call each RPC of a service.

Each service declares its policy in its own package with `service_policy`; a method the
policy does not name is refused to everyone, so a new RPC is closed until someone decides
who may call it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from google.protobuf.descriptor import ServiceDescriptor

from medcode_common.service_auth.identities import check_identity

#: Full method path ("/medcode.codes.v1.CodesService/GetCode") -> identities allowed.
MethodPolicy = Mapping[str, frozenset[str]]


def method_path(service: ServiceDescriptor, method: str) -> str:
    """The path gRPC routes a call by: "/<package>.<Service>/<Method>"."""
    return f"/{service.full_name}/{method}"


def service_policy(
    service: ServiceDescriptor, allowed: Mapping[str, Collection[str]]
) -> dict[str, frozenset[str]]:
    """The policy of `service` from method name -> identities; a typo fails at import."""
    methods = {m.name for m in service.methods}
    unknown = sorted(set(allowed) - methods)
    if unknown:
        raise ValueError(f"{service.full_name} has no method(s) {', '.join(unknown)}")
    return {
        method_path(service, name): frozenset(check_identity(i) for i in identities)
        for name, identities in allowed.items()
    }


def undeclared_methods(service: ServiceDescriptor, policy: MethodPolicy) -> list[str]:
    """Methods of `service` its policy does not name (refused to everyone)."""
    return sorted(m.name for m in service.methods if method_path(service, m.name) not in policy)
