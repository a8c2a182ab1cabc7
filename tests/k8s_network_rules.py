"""Who may talk to whom under the NetworkPolicies in deploy/k8s (see test_k8s_security.py).

A small evaluator of Kubernetes NetworkPolicy semantics: a connection from A to B on a port
is allowed when A's egress allows it (or no egress policy selects A) and B's ingress allows
it (or no ingress policy selects B); a pod outside the namespace is judged on one side only.
The tests compare every allowed connection with the intended list, so a rule that is too
broad fails as surely as one that is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .k8s_rules import NAMESPACE, pod_labels, pod_spec

NAME = "app.kubernetes.io/name"
NS_NAME = "kubernetes.io/metadata.name"
#: The stores the services use, as pods labelled app.kubernetes.io/name, and their port.
STORES: dict[str, tuple[int, ...]] = {
    "kafka": (9092,),
    "redis": (6379,),
    "postgresql": (5432,),
    "elasticsearch": (9200,),
    "smtp-relay": (587, 465),  # mail submission over STARTTLS, or implicit TLS
}


@dataclass(frozen=True)
class Pod:
    """A connection end: a pod here (a workload or a store) or one in another namespace."""

    name: str
    namespace: str = NAMESPACE
    labels: tuple[tuple[str, str], ...] = ()
    ports: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    @property
    def local(self) -> bool:
        return self.namespace == NAMESPACE


Flow = tuple[str, str, int, str]  # source, destination, port, protocol


def _selects(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """matchLabels and matchExpressions as the API server applies them ({} selects all)."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _peer_matches(peer: Mapping[str, Any], pod: Pod) -> bool:
    if "ipBlock" in peer:
        return True  # a CIDR may cover pod addresses as well as the outside world
    if "namespaceSelector" in peer:
        namespace_labels = {NS_NAME: pod.namespace}
        return _selects(peer["namespaceSelector"], namespace_labels) and _selects(
            peer.get("podSelector"), pod.label_map
        )
    return pod.local and _selects(peer.get("podSelector"), pod.label_map)


def _port_matches(rule: Mapping[str, Any], port: int, protocol: str, target: Pod) -> bool:
    entries = rule.get("ports")
    if not entries:
        return True
    named = {n: p for p, n in target.ports if isinstance(n, str)}
    for entry in entries:
        if entry.get("protocol", "TCP") != protocol:
            continue
        wanted = entry.get("port")
        if wanted is None or wanted == port or named.get(str(wanted)) == port:
            return True
    return False


def _spec(policy: Mapping[str, Any]) -> dict[str, Any]:
    return dict(policy.get("spec") or {})


def _policy_types(policy: Mapping[str, Any]) -> set[str]:
    spec = _spec(policy)
    return set(spec.get("policyTypes") or ["Ingress", *(["Egress"] if "egress" in spec else [])])


def _allows(
    policies: list[Mapping[str, Any]], kind: str, pod: Pod, peer: Pod, port: int, protocol: str,
    target: Pod,
) -> bool:  # fmt: skip
    """Whether `pod`'s `kind` ("Ingress"/"Egress") policies let it talk to `peer`."""
    direction, peers_key = ("ingress", "from") if kind == "Ingress" else ("egress", "to")
    selecting = [
        p
        for p in policies
        if kind in _policy_types(p) and _selects(_spec(p).get("podSelector"), pod.label_map)
    ]
    if not selecting:
        return True  # not isolated in this direction
    for policy in selecting:
        for rule in (policy.get("spec") or {}).get(direction) or []:
            peers = rule.get(peers_key)
            peer_ok = not peers or any(_peer_matches(p, peer) for p in peers)
            if peer_ok and _port_matches(rule, port, protocol, target):
                return True
    return False


def workload_pods(workloads: Iterable[Mapping[str, Any]]) -> list[Pod]:
    pods = []
    for workload in workloads:
        labels = pod_labels(dict(workload))
        ports = frozenset(
            (int(p["containerPort"]), str(p.get("name", "")))
            for c in (pod_spec(dict(workload)) or {}).get("containers") or []
            for p in c.get("ports") or []
        )
        pods.append(Pod(labels.get(NAME, "?"), labels=tuple(sorted(labels.items())), ports=ports))
    return pods


def universe(workloads: Iterable[Mapping[str, Any]]) -> list[Pod]:
    """Our workloads, the stores (in this namespace), and pods of other namespaces."""
    stores = [
        Pod(name, labels=((NAME, name),), ports=frozenset((port, "") for port in ports))
        for name, ports in STORES.items()
    ]
    elsewhere = [
        Pod("dns", "kube-system", (("k8s-app", "kube-dns"),), frozenset({(53, "dns")})),
        Pod("ingress-nginx", "ingress-nginx"),
        Pod("monitoring", "monitoring"),
        Pod("kube-system", "kube-system"),
        Pod("elsewhere", "some-other-namespace"),
    ]
    return [*workload_pods(workloads), *stores, *elsewhere]


def allowed_flows(
    policies: list[Mapping[str, Any]], workloads: Iterable[Mapping[str, Any]]
) -> set[Flow]:
    """Every (source, destination, port, protocol) the policies allow between known pods."""
    pods = universe(workloads)
    every_port = {(port, proto) for pod in pods for port, _n in pod.ports for proto in ("TCP",)}
    every_port |= {(53, "UDP"), (53, "TCP"), (443, "TCP"), (80, "TCP")}
    flows: set[Flow] = set()
    for source in pods:
        for target in pods:
            if source is target or not (source.local or target.local):
                continue
            ports = {(p, "TCP") for p, _n in target.ports} if target.local else every_port
            if target.name == "dns":
                ports = {(53, "UDP"), (53, "TCP")}
            for port, protocol in ports:
                out = not source.local or _allows(
                    policies, "Egress", source, target, port, protocol, target
                )
                into = not target.local or _allows(
                    policies, "Ingress", target, source, port, protocol, target
                )
                if out and into:
                    flows.add((source.name, target.name, port, protocol))
    return flows


def intended_flows(workload_names: Iterable[str], *, production: bool) -> set[Flow]:
    """The connections MedCode needs, and no other."""
    services = {"gateway": 8000, "codes": 50051, "search": 50052, "metering": 50053,
                "accounts": 50054, "assistant": 50055}  # fmt: skip
    metrics = {"gateway": 8000, "codes": 9101, "search": 9102, "metering": 9103,
               "accounts": 9104, "assistant": 9105}  # fmt: skip
    flows: set[Flow] = {("ingress-nginx", "gateway", 8000, "TCP")}
    flows |= {("monitoring", name, port, "TCP") for name, port in metrics.items()}
    flows |= {("gateway", name, services[name], "TCP") for name in services if name != "gateway"}
    flows.add(("search", "codes", 50051, "TCP"))
    # The assistant reads codes and search to ground its answers; it uses no event bus.
    flows |= {("assistant", "codes", 50051, "TCP"), ("assistant", "search", 50052, "TCP")}
    flows |= {(name, "kafka", 9092, "TCP") for name in services if name != "assistant"}
    flows |= {("metering", "redis", 6379, "TCP"), ("accounts", "postgresql", 5432, "TCP")}
    flows |= {("accounts", "smtp-relay", port, "TCP") for port in STORES["smtp-relay"]}
    if production:
        flows.add(("search", "elasticsearch", 9200, "TCP"))
    local = [*workload_names, *STORES]
    flows |= {(name, "dns", 53, proto) for name in local for proto in ("UDP", "TCP")}
    return flows


def network_problems(
    policies: list[Mapping[str, Any]], workloads: list[Mapping[str, Any]], *, production: bool
) -> Iterator[str]:
    """Connections allowed that MedCode does not need, and needed ones that are blocked."""
    names = [p.name for p in workload_pods(workloads)]
    allowed = allowed_flows(policies, workloads)
    intended = intended_flows(names, production=production)
    for source, target, port, protocol in sorted(allowed - intended):
        yield f"allowed but not intended: {source} -> {target}:{port}/{protocol}"
    for source, target, port, protocol in sorted(intended - allowed):
        yield f"intended but blocked: {source} -> {target}:{port}/{protocol}"
    if not any(
        _selects((p.get("spec") or {}).get("podSelector"), {})
        and _policy_types(p) == {"Ingress", "Egress"}
        and not (p.get("spec") or {}).get("ingress")
        and not (p.get("spec") or {}).get("egress")
        for p in policies
    ):
        yield "no default-deny policy (podSelector {}, Ingress and Egress, no rules)"
