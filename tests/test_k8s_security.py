"""Offline checks of the security rules in deploy/k8s: NetworkPolicies allow exactly the
connections MedCode needs (default deny, gateway -> services, search -> codes, each service
-> its own stores and the broker, DNS, the ingress controller and Prometheus in), service
keys and store credentials come from Secrets, and every store connection is encrypted.
Each rule also has a test that breaks a copy of the manifests and sees it reported."""

from __future__ import annotations

import copy
import subprocess
from typing import Any

import pytest
import yaml

from .k8s_network_rules import network_problems
from .k8s_rules import (
    BASE,
    PRODUCTION,
    WORKLOAD_KINDS,
    Resource,
    kustomization_in,
    load_yaml,
    resources_of,
    walk,
)
from .k8s_secret_rules import (
    committed_secret_problems,
    service_key_problems,
    store_security_problems,
)
from .test_k8s_manifests import kustomize_command

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def base_resources() -> list[Resource]:
    root = kustomization_in(BASE)
    assert root is not None
    return resources_of(walk(root))


def policies_of(resources: list[Resource]) -> list[Doc]:
    return [copy.deepcopy(r.doc) for r in resources if r.kind == "NetworkPolicy"]


def workloads_of(resources: list[Resource]) -> list[Doc]:
    return [copy.deepcopy(r.doc) for r in resources if r.kind in WORKLOAD_KINDS]


def production_policies(base: list[Doc]) -> list[Doc]:
    """Base policies with the production overlay's JSON patches applied (`add` to a list)."""
    policies = {p["metadata"]["name"]: copy.deepcopy(p) for p in base}
    for entry in load_yaml(PRODUCTION / "kustomization.yaml").get("patches") or []:
        target = entry.get("target") or {}
        if target.get("kind") != "NetworkPolicy":
            continue
        for op in yaml.safe_load((PRODUCTION / entry["path"]).read_text()):
            assert op["op"] == "add" and op["path"].endswith("/-"), op
            node: Any = policies[target["name"]]
            for part in op["path"].strip("/").split("/")[:-1]:
                node = node[part]
            node.append(op["value"])
    return list(policies.values())


def test_base_allows_exactly_the_intended_connections(base_resources: list[Resource]) -> None:
    problems = list(
        network_problems(
            policies_of(base_resources), workloads_of(base_resources), production=False
        )
    )
    assert not problems, "\n".join(problems)


def test_production_adds_only_search_to_elasticsearch(base_resources: list[Resource]) -> None:
    policies = production_policies(policies_of(base_resources))
    problems = list(network_problems(policies, workloads_of(base_resources), production=True))
    assert not problems, "\n".join(problems)


def test_rendered_production_policies_agree() -> None:
    command = kustomize_command()
    if command is None:
        pytest.skip("neither kustomize nor kubectl is on PATH; rendered output not checked")
    run = subprocess.run(
        [*command, str(PRODUCTION)], capture_output=True, text=True, timeout=120, check=True
    )
    docs = [d for d in yaml.safe_load_all(run.stdout) if d]
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    workloads = [d for d in docs if d["kind"] in WORKLOAD_KINDS]
    problems = list(network_problems(policies, workloads, production=True))
    assert not problems, "\n".join(problems)


def test_the_network_rule_can_fail(base_resources: list[Resource]) -> None:
    """Without the default deny and accounts' own policy, with the gateway's egress to
    metering removed, and with codes allowed out to any address: each is reported."""
    policies, workloads = policies_of(base_resources), workloads_of(base_resources)
    open_all = [p for p in policies if p["metadata"]["name"] not in ("default-deny", "accounts")]
    report = "\n".join(network_problems(open_all, workloads, production=False))
    assert "no default-deny policy" in report
    assert "allowed but not intended: elsewhere -> accounts:50054/TCP" in report
    assert "allowed but not intended: codes -> accounts:50054/TCP" not in report  # codes' egress

    gateway = next(p for p in policies if p["metadata"]["name"] == "gateway")
    gateway["spec"]["egress"] = [
        rule for rule in gateway["spec"]["egress"] if rule["ports"][0]["port"] != 50053
    ]
    report = "\n".join(network_problems(policies, workloads, production=False))
    assert "intended but blocked: gateway -> metering:50053/TCP" in report

    codes = next(p for p in policies_of(base_resources) if p["metadata"]["name"] == "codes")
    codes["spec"]["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]})
    widened = [p for p in policies_of(base_resources) if p["metadata"]["name"] != "codes"]
    report = "\n".join(network_problems([*widened, codes], workloads, production=False))
    assert "allowed but not intended: codes -> elsewhere:443/TCP" in report
    assert "codes -> accounts" not in report  # accounts' ingress still takes only the gateway


def test_service_keys_and_store_credentials_come_from_secrets(
    base_resources: list[Resource],
) -> None:
    problems = [
        problem
        for workload in workloads_of(base_resources)
        for rule in (service_key_problems, store_security_problems)
        for problem in rule(workload)
    ]
    problems += list(committed_secret_problems([r.doc for r in base_resources]))
    assert not problems, "\n".join(problems)


def test_the_secret_rules_can_fail(base_resources: list[Resource]) -> None:
    workloads = {w["metadata"]["name"]: w for w in workloads_of(base_resources)}
    codes = workloads["codes"]
    codes["spec"]["template"]["spec"]["volumes"].append(
        {"name": "stolen", "secret": {"secretName": "medcode-gateway-identity"}}
    )
    for volume in codes["spec"]["template"]["spec"]["volumes"]:
        if volume["name"] == "service-keys":
            volume["projected"] = {"sources": [
                {"secret": {"name": "medcode-service-keys"}},
                {"secret": {"name": "medcode-gateway-identity"}},
            ]}  # fmt: skip
            del volume["secret"]
    assert "mounts medcode-gateway-identity, another identity's private key" in "\n".join(
        service_key_problems(codes)
    )
    search = workloads["search"]
    (container,) = search["spec"]["template"]["spec"]["containers"]
    for entry in container["env"]:
        if entry["name"] == "MEDCODE_EVENTS_KAFKA_SECURITY_PROTOCOL":
            entry["value"] = "PLAINTEXT"
        if entry["name"] == "MEDCODE_EVENTS_KAFKA_SASL_PASSWORD":
            entry.pop("valueFrom")
            entry["value"] = "hunter2"
        if entry["name"] == "MEDCODE_SERVICE_KEYS_DIR":
            entry["value"] = "/nowhere"
    report = "\n".join([*store_security_problems(search), *service_key_problems(search)])
    assert "SECURITY_PROTOCOL=SASL_SSL" in report
    assert "MEDCODE_EVENTS_KAFKA_SASL_PASSWORD must come from a Secret" in report
    assert "MEDCODE_SERVICE_KEYS_DIR=/nowhere is not a mounted volume" in report
    accounts = workloads["accounts"]
    (container,) = accounts["spec"]["template"]["spec"]["containers"]
    container["env"] = [
        e for e in container["env"] if e["name"] != "MEDCODE_ACCOUNTS_DATABASE_SSLMODE"
    ]
    assert "SSLMODE must be verify-full" in "\n".join(store_security_problems(accounts))
    leaked = {"kind": "Secret", "metadata": {"name": "medcode-gateway-identity"},
              "stringData": {"gateway.key.pem": "..."}}  # fmt: skip
    assert "data committed" in "\n".join(committed_secret_problems([leaked]))
