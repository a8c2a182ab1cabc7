"""Offline checks of the Kubernetes manifests under deploy/k8s.

- every file a kustomization lists exists, and every manifest under base/ is
  reachable from base/kustomization.yaml (no orphans);
- every resource validates against the Kubernetes OpenAPI schema
  (kubernetes-validate, strict mode: unknown fields are errors);
- every workload container is hardened (non-root, read-only root filesystem,
  no privilege escalation, all capabilities dropped, RuntimeDefault seccomp,
  cpu/memory requests and limits, readiness and liveness probes, /tmp emptyDir);
- service specifics: gRPC probes on 50051 for codes, HTTP /healthz and /readyz
  for the gateway, Services select existing pods and target declared ports;
- every workload logs JSON lines (MEDCODE_LOG_FORMAT=json) and is scraped
  (prometheus.io annotations naming a declared container port, the one its
  MEDCODE_<SERVICE>_METRICS_PORT sets);
- the production overlay only patches/scales Deployments that exist in base;
- one builder per search index in production: exactly one pod template may build, and its
  pods take the build lease under their own names.

No cluster and no network are needed. When `kustomize` or `kubectl` is on PATH
the rendered base and overlay are validated too; otherwise that test skips.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .k8s_rules import (
    BASE,
    CODES_GRPC_PORT,
    EXPECTED_PRODUCTION_REPLICAS,
    NAMESPACE,
    PINNED_KUBERNETES_VERSION,
    PRODUCTION,
    WORKLOAD_KINDS,
    Resource,
    Tree,
    container_named,
    kubernetes_validate_module,
    kustomization_in,
    load_yaml,
    observability_problems,
    pod_labels,
    pod_spec,
    probe_handlers,
    production_workloads,
    quantity,
    rel,
    resources_of,
    schema_problems,
    search_builder_problems,
    search_index_builders,
    walk,
    workload_problems,
)

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_tree() -> Tree:
    root = kustomization_in(BASE)
    assert root is not None, f"{rel(BASE)} has no kustomization.yaml"
    return walk(root)


@pytest.fixture(scope="module")
def base_resources(base_tree: Tree) -> list[Resource]:
    return resources_of(base_tree)


@pytest.fixture(scope="module")
def overlay() -> dict[str, Any]:
    path = kustomization_in(PRODUCTION)
    assert path is not None, f"{rel(PRODUCTION)} has no kustomization.yaml"
    return load_yaml(path)


# --------------------------------------------------------------------------- (a) structure


def test_base_lists_only_existing_files(base_tree: Tree) -> None:
    assert not base_tree.errors, "\n".join(base_tree.errors)
    assert base_tree.resource_files, "base lists no resources"


def test_base_references_stay_inside_base(base_tree: Tree) -> None:
    outside = [rel(p) for p in base_tree.listed() if not p.is_relative_to(BASE.resolve())]
    assert not outside, f"base must be self-contained, but references: {outside}"


def test_no_orphan_manifests_under_base(base_tree: Tree) -> None:
    on_disk = {
        p.resolve() for p in BASE.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml"}
    }
    orphans = sorted(rel(p) for p in on_disk - base_tree.listed())
    assert not orphans, f"manifests not reachable from base/kustomization.yaml: {orphans}"


def test_each_service_has_its_own_folder(base_tree: Tree, base_resources: list[Resource]) -> None:
    for res in base_resources:
        if res.kind in WORKLOAD_KINDS or res.kind == "Service":
            folder = res.path.parent
            assert folder.parent == BASE.resolve(), f"{res} should live in base/{res.name}/"
            assert folder.name == res.name, f"{res} should live in base/{res.name}/"
            assert kustomization_in(folder) in base_tree.kustomizations, (
                f"{rel(folder)} needs its own kustomization"
            )


def test_every_resource_is_well_formed(base_resources: list[Resource]) -> None:
    seen: dict[tuple[str, str], Resource] = {}
    for res in base_resources:
        assert res.doc.get("apiVersion"), f"{res}: apiVersion missing"
        assert res.kind, f"{rel(res.path)}: kind missing"
        assert res.name, f"{rel(res.path)}: metadata.name missing"
        key = (res.kind, res.name)
        assert key not in seen, f"{res} duplicates {seen[key]}"
        seen[key] = res


def test_namespace(base_tree: Tree, base_resources: list[Resource]) -> None:
    root = load_yaml(base_tree.kustomizations[0])
    assert root.get("namespace") == NAMESPACE, (
        f"base/kustomization.yaml must set namespace: {NAMESPACE}"
    )
    assert any(r.kind == "Namespace" and r.name == NAMESPACE for r in base_resources), (
        f"base must define Namespace/{NAMESPACE}"
    )
    for res in base_resources:
        ns = (res.doc.get("metadata") or {}).get("namespace")
        assert ns in (None, NAMESPACE), f"{res}: namespace {ns!r} (leave it to kustomize)"


# --------------------------------------------------------------------------- (b) schema


@pytest.mark.parametrize("version", ["pinned", "latest"])
def test_base_resources_match_kubernetes_schema(
    base_resources: list[Resource], version: str
) -> None:
    kv = kubernetes_validate_module()
    if version == "pinned":
        version = PINNED_KUBERNETES_VERSION
    elif version == "latest":
        version = kv.latest_version()
    supported = {".".join(v.split(".")[:2]) for v in kv.utils.all_versions()}
    minor = ".".join(version.split(".")[:2])
    assert minor in supported, (
        f"kubernetes-validate {kv.__version__} has no schema for {minor}: {sorted(supported)}"
    )
    problems = schema_problems(base_resources, version)
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- (c) hardening


def test_base_has_workloads(base_resources: list[Resource]) -> None:
    names = {r.name for r in base_resources if r.kind == "Deployment"}
    assert {"codes", "gateway"} <= names, (
        f"expected Deployments codes and gateway, got {sorted(names)}"
    )


def test_workloads_are_hardened(base_resources: list[Resource]) -> None:
    problems = [p for res in base_resources for p in workload_problems(res.doc)]
    assert not problems, "\n".join(problems)


def test_workloads_log_json_and_are_scraped(base_resources: list[Resource]) -> None:
    problems = [p for res in base_resources for p in observability_problems(res.doc)]
    assert not problems, "\n".join(problems)
    workloads = [r for r in base_resources if r.kind in WORKLOAD_KINDS]
    assert len(workloads) >= 5


def test_observability_rules_can_fail(base_resources: list[Resource]) -> None:
    """Guard against a vacuous check: text logs and a wrong scrape port must be reported."""
    search = next(r for r in base_resources if r.kind == "Deployment" and r.name == "search")
    broken = yaml.safe_load(yaml.safe_dump(search.doc))
    broken["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] = "9999"
    container = broken["spec"]["template"]["spec"]["containers"][0]
    for variable in container["env"]:
        if variable["name"] == "MEDCODE_LOG_FORMAT":
            variable["value"] = "text"
    problems = "\n".join(observability_problems(broken))
    assert "MEDCODE_LOG_FORMAT must be json" in problems
    assert "'9999' is not a declared container port" in problems
    assert "MEDCODE_SEARCH_METRICS_PORT=9102 but prometheus.io/port is '9999'" in problems


def test_codes_uses_grpc_probes(base_resources: list[Resource]) -> None:
    container = container_named(base_resources, "Deployment", "codes")
    ports = {p.get("containerPort") for p in container.get("ports") or []}
    assert CODES_GRPC_PORT in ports, f"codes must expose containerPort {CODES_GRPC_PORT}"
    for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if probe is None and probe_name == "startupProbe":
            continue
        assert probe is not None, f"codes: {probe_name} missing"
        assert probe_handlers(probe) == ["grpc"], (
            f"codes: {probe_name} must be a built-in grpc probe"
        )
        assert probe["grpc"].get("port") == CODES_GRPC_PORT, (
            f"codes: {probe_name} must probe port {CODES_GRPC_PORT}"
        )


def test_gateway_uses_http_probes_and_reaches_codes(base_resources: list[Resource]) -> None:
    container = container_named(base_resources, "Deployment", "gateway")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
    expected = {"livenessProbe": "/healthz", "readinessProbe": "/readyz"}
    for probe_name, path in expected.items():
        probe = container.get(probe_name) or {}
        http = probe.get("httpGet")
        assert http, f"gateway: {probe_name} must be an httpGet probe"
        assert http.get("path") == path, f"gateway: {probe_name} must GET {path}"
        port = http.get("port")
        assert port in ports or port in ports.values(), (
            f"gateway: {probe_name} port {port!r} is not a container port"
        )
    env = {e.get("name"): e.get("value") for e in container.get("env") or []}
    assert env.get("MEDCODE_GATEWAY_CODES_ADDR") == f"codes:{CODES_GRPC_PORT}"


def test_services_select_pods_and_target_declared_ports(base_resources: list[Resource]) -> None:
    workloads = [r for r in base_resources if r.kind in WORKLOAD_KINDS]
    for svc in (r for r in base_resources if r.kind == "Service"):
        selector = (svc.doc.get("spec") or {}).get("selector") or {}
        assert selector, f"{svc}: selector is empty"
        targets = [w for w in workloads if selector.items() <= pod_labels(w.doc).items()]
        assert targets, f"{svc}: selector {selector} matches no workload in base"
        for port in (svc.doc.get("spec") or {}).get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            for workload in targets:
                declared = [
                    p
                    for c in (pod_spec(workload.doc) or {}).get("containers") or []
                    for p in c.get("ports") or []
                ]
                assert any(target in (p.get("name"), p.get("containerPort")) for p in declared), (
                    f"{svc}: targetPort {target!r} is not a port of {workload}"
                )


def test_quantity_parser() -> None:
    assert quantity("250m") == pytest.approx(0.25)
    assert quantity("2") == 2
    assert quantity("512Mi") == 512 * 2**20
    assert quantity("1G") == 1e9
    assert quantity("1Gi") > quantity("1000Mi")


def test_hardening_rules_can_fail(base_resources: list[Resource]) -> None:
    """Guard against a vacuous check: breaking a copy of codes must be reported."""
    codes = next(r for r in base_resources if r.kind == "Deployment" and r.name == "codes")
    broken = yaml.safe_load(yaml.safe_dump(codes.doc))
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container.pop("livenessProbe", None)
    container.setdefault("securityContext", {})["readOnlyRootFilesystem"] = False
    container.setdefault("resources", {}).setdefault("limits", {}).pop("memory", None)
    problems = "\n".join(workload_problems(broken))
    assert "livenessProbe is missing" in problems
    assert "readOnlyRootFilesystem must be true" in problems
    assert "resources.limits.memory is missing" in problems


# --------------------------------------------------------------------------- (d) overlay


def patch_references(overlay_dir: Path, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, name, origin) for every patch of a kustomization."""
    refs: list[tuple[str, str, str]] = []
    entries = [*(data.get("patches") or []), *(data.get("patchesJson6902") or [])]
    entries += [
        {"path": p} if "\n" not in p else {"patch": p}
        for p in data.get("patchesStrategicMerge") or []
    ]
    for i, entry in enumerate(entries):
        origin = f"patch #{i + 1} ({entry.get('path', 'inline')})"
        body: Any = None
        if "path" in entry:
            path = overlay_dir / entry["path"]
            assert path.is_file(), f"{origin}: file does not exist"
            body = yaml.safe_load(path.read_text(encoding="utf-8"))
        elif "patch" in entry:
            body = yaml.safe_load(entry["patch"])
        target = entry.get("target") or {}
        if isinstance(body, dict) and body.get("kind"):
            # Strategic-merge patch: the document names what it patches.
            kind, name = body["kind"], (body.get("metadata") or {}).get("name", "")
            if target:
                mismatch = f"{origin}: target {target} disagrees with the patch body {kind}/{name}"
                assert target.get("kind") in (None, kind), mismatch
                assert target.get("name") in (None, name), mismatch
            refs.append((kind, name, origin))
        else:
            assert target.get("kind"), f"{origin}: needs a target kind"
            assert target.get("name"), f"{origin}: needs a target name"
            refs.append((target["kind"], target["name"], origin))
    return refs


def test_overlay_builds_on_base(overlay: dict[str, Any]) -> None:
    tree = walk(PRODUCTION / "kustomization.yaml")
    assert not tree.errors, "\n".join(tree.errors)
    assert kustomization_in(BASE).resolve() in tree.kustomizations, (
        "production must include ../../base"
    )


def test_overlay_patches_refer_to_base_deployments(
    overlay: dict[str, Any], base_resources: list[Resource]
) -> None:
    existing = {(r.kind, r.name) for r in base_resources}
    deployments = {r.name for r in base_resources if r.kind == "Deployment"}
    refs = patch_references(PRODUCTION, overlay)
    assert refs, "the production overlay is expected to patch something"
    for kind, name, origin in refs:
        assert (kind, name) in existing, (
            f"production {origin}: {kind}/{name} does not exist in base"
        )
        assert kind != "Deployment" or name in deployments
    for entry in overlay.get("replicas") or []:
        assert entry["name"] in deployments, (
            f"production replicas: Deployment/{entry['name']} is not in base"
        )


def test_overlay_replicas_and_images(
    overlay: dict[str, Any], base_resources: list[Resource]
) -> None:
    replicas = {e["name"]: e["count"] for e in overlay.get("replicas") or []}
    assert replicas == EXPECTED_PRODUCTION_REPLICAS
    base_images = {
        str(c.get("image", "")).rsplit(":", 1)[0]
        for r in base_resources
        for c in (pod_spec(r.doc) or {}).get("containers") or []
    }
    for image in overlay.get("images") or []:
        assert image["name"] in base_images, (
            f"production images: {image['name']} is not used in base"
        )
        assert image.get("newTag") not in (None, "latest") or image.get("digest"), (
            f"production images: pin {image['name']} to a tag or digest, not latest"
        )


def test_overlay_own_resources(overlay: dict[str, Any], base_resources: list[Resource]) -> None:
    tree = walk(PRODUCTION / "kustomization.yaml")
    own = [r for r in resources_of(tree) if not r.path.is_relative_to(BASE.resolve())]
    problems = schema_problems(own, PINNED_KUBERNETES_VERSION)
    assert not problems, "\n".join(problems)
    workloads = [r for r in base_resources if r.kind in WORKLOAD_KINDS]
    for res in own:
        problems = list(workload_problems(res.doc))
        assert not problems, "\n".join(problems)
        if res.kind == "PodDisruptionBudget":
            selector = ((res.doc.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            assert any(selector.items() <= pod_labels(w.doc).items() for w in workloads), (
                f"{res}: selector {selector} matches no workload in base"
            )


def test_production_has_exactly_one_search_index_builder(base_resources: list[Resource]) -> None:
    workloads = production_workloads(base_resources)
    problems = list(search_builder_problems([doc for doc, _replicas in workloads]))
    assert not problems, "\n".join(problems)
    ((where, _container),) = search_index_builders([doc for doc, _replicas in workloads])
    assert where == "Deployment/search"
    # Base (the embedded tantivy backend) builds no shared index at all.
    assert search_index_builders([r.doc for r in base_resources]) == []


def test_search_builder_rule_can_fail(base_resources: list[Resource]) -> None:
    """Guard against a vacuous check: a second building template, a builder without its
    pod name on the lease, and no builder at all are each reported."""
    (search,) = [
        doc
        for doc, _n in production_workloads(base_resources)
        if doc["metadata"]["name"] == "search"
    ]
    canary = yaml.safe_load(yaml.safe_dump(search))
    canary["metadata"]["name"] = "search-canary"
    assert "found ['Deployment/search', 'Deployment/search-canary']" in "\n".join(
        search_builder_problems([search, canary])
    )
    (container,) = canary["spec"]["template"]["spec"]["containers"]
    for entry in container["env"]:
        if entry["name"] == "MEDCODE_SEARCH_ELASTICSEARCH_HOLDER":
            entry.pop("valueFrom")
            entry["value"] = "search"
    assert "must come from the pod name" in "\n".join(search_builder_problems([canary]))
    for entry in container["env"]:
        if entry["name"] == "MEDCODE_SEARCH_ELASTICSEARCH_BUILDS":
            entry["value"] = "false"
    assert "found none" in "\n".join(search_builder_problems([canary]))


# --------------------------------------------------------------------------- rendered output


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@pytest.mark.parametrize("directory", [BASE, PRODUCTION], ids=["base", "production"])
def test_rendered_output_is_valid_and_hardened(directory: Path) -> None:
    command = kustomize_command()
    if command is None:
        pytest.skip("neither kustomize nor kubectl is on PATH; rendered output not checked")
    run = subprocess.run(
        [*command, str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, f"{' '.join(command)} {rel(directory)} failed:\n{run.stderr}"
    docs = [d for d in yaml.safe_load_all(run.stdout) if d]
    rendered = [Resource(directory, d) for d in docs]
    problems = schema_problems(rendered, PINNED_KUBERNETES_VERSION)
    problems += [p for r in rendered for p in workload_problems(r.doc)]
    for res in rendered:
        ns = (res.doc.get("metadata") or {}).get("namespace")
        if res.kind != "Namespace" and ns != NAMESPACE:
            problems.append(
                f"{res.kind}/{res.name}: rendered namespace {ns!r}, expected {NAMESPACE}"
            )
    assert not problems, "\n".join(problems)
    if directory == PRODUCTION:
        replicas = {
            r.name: (r.doc.get("spec") or {}).get("replicas")
            for r in rendered
            if r.kind == "Deployment"
        }
        for name, count in EXPECTED_PRODUCTION_REPLICAS.items():
            assert replicas.get(name) == count, (
                f"rendered production Deployment/{name} replicas={replicas.get(name)}"
            )
        problems = list(search_builder_problems([r.doc for r in rendered]))
        assert not problems, "\n".join(problems)
        images = [
            c["image"] for r in rendered for c in (pod_spec(r.doc) or {}).get("containers") or []
        ]
        assert not [i for i in images if i.endswith(":latest")], (
            f"production renders :latest images: {images}"
        )
