"""Rules and loaders for the offline Kubernetes manifest checks (see test_k8s_manifests.py).

Kept apart from the tests so the tests read as a list of checks; nothing here is a test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "k8s"
BASE = K8S / "base"
PRODUCTION = K8S / "overlays" / "production"

NAMESPACE = "medcode"
PART_OF = "medcode"
RUN_AS_USER = 10001
IMAGE_REGISTRY = "ghcr.io/medcode/"
CODES_GRPC_PORT = 50051

# Kubernetes versions to validate against. 1.30 is the oldest we support
# (built-in gRPC probes are GA since 1.27); "latest" is the newest schema the
# installed kubernetes-validate ships.
PINNED_KUBERNETES_VERSION = "1.30"

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
EXPECTED_PRODUCTION_REPLICAS = {
    "gateway": 3,
    "codes": 2,
    "search": 2,
    "metering": 2,
    "accounts": 2,
    "assistant": 2,
}


# --------------------------------------------------------------------------- helpers


@dataclass
class Resource:
    path: Path
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.doc.get("metadata") or {}).get("name", ""))

    def __str__(self) -> str:
        return f"{self.kind}/{self.name} ({rel(self.path)})"


@dataclass
class Tree:
    """What a kustomization references, recursively."""

    kustomizations: list[Path] = field(default_factory=list)
    resource_files: list[Path] = field(default_factory=list)
    patch_files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def listed(self) -> set[Path]:
        return {
            p.resolve() for p in [*self.kustomizations, *self.resource_files, *self.patch_files]
        }


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def kustomization_in(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{rel(path)}: expected a YAML mapping"
    return data


def load_docs(path: Path) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    for doc in docs:
        assert isinstance(doc, dict), f"{rel(path)}: every YAML document must be a mapping"
    return docs


def is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("github.com/", "git@"))


def walk(kustomization: Path, tree: Tree | None = None) -> Tree:
    """Follow resources/components (files and directories) and patch files."""
    tree = tree if tree is not None else Tree()
    kustomization = kustomization.resolve()
    if kustomization in tree.kustomizations:
        tree.errors.append(f"{rel(kustomization)}: reached twice (cycle or duplicate)")
        return tree
    tree.kustomizations.append(kustomization)
    here = kustomization.parent
    data = load_yaml(kustomization)

    for key in ("resources", "components", "bases"):
        for ref in data.get(key) or []:
            if is_remote(ref):
                tree.errors.append(
                    f"{rel(kustomization)}: remote {key} entry {ref!r} (must be offline)"
                )
                continue
            target = (here / ref).resolve()
            if target.is_dir():
                nested = kustomization_in(target)
                if nested is None:
                    tree.errors.append(
                        f"{rel(kustomization)}: {key} entry {ref!r} is a directory"
                        " without a kustomization.yaml"
                    )
                else:
                    walk(nested, tree)
            elif target.is_file():
                tree.resource_files.append(target)
            else:
                tree.errors.append(f"{rel(kustomization)}: {key} entry {ref!r} does not exist")

    patch_refs: list[str] = [
        p["path"] for p in data.get("patches") or [] if isinstance(p, dict) and "path" in p
    ]
    patch_refs += [
        p for p in data.get("patchesStrategicMerge") or [] if isinstance(p, str) and "\n" not in p
    ]
    patch_refs += [
        p["path"] for p in data.get("patchesJson6902") or [] if isinstance(p, dict) and "path" in p
    ]
    for ref in patch_refs:
        target = (here / ref).resolve()
        if target.is_file():
            tree.patch_files.append(target)
        else:
            tree.errors.append(f"{rel(kustomization)}: patch file {ref!r} does not exist")
    return tree


def resources_of(tree: Tree) -> list[Resource]:
    return [Resource(path, doc) for path in tree.resource_files for doc in load_docs(path)]


def pod_spec(resource: dict[str, Any]) -> dict[str, Any] | None:
    kind = resource.get("kind")
    spec = resource.get("spec") or {}
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    if kind in WORKLOAD_KINDS:
        return ((spec.get("template") or {}).get("spec")) or {}
    return None


def pod_labels(resource: dict[str, Any]) -> dict[str, str]:
    spec = resource.get("spec") or {}
    if resource.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return dict((((spec.get("template") or {}).get("metadata") or {}).get("labels")) or {})


_QUANTITY_SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
}  # fmt: skip


def quantity(value: object) -> float:
    """Parse a Kubernetes resource quantity ("250m", "1", "512Mi")."""
    text = str(value).strip()
    for suffix in sorted(_QUANTITY_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix) and text[: -len(suffix)]:
            return float(text[: -len(suffix)]) * _QUANTITY_SUFFIXES[suffix]
    return float(text)


def effective(container_sc: dict[str, Any], pod_sc: dict[str, Any], key: str) -> Any:
    return container_sc[key] if key in container_sc else pod_sc.get(key)


def probe_handlers(probe: dict[str, Any]) -> list[str]:
    return [h for h in ("exec", "httpGet", "tcpSocket", "grpc") if h in probe]


def workload_problems(resource: dict[str, Any]) -> Iterator[str]:
    """Hardening rules every workload must follow; yields human-readable problems."""
    kind, name = resource.get("kind"), (resource.get("metadata") or {}).get("name")
    spec = pod_spec(resource)
    if spec is None:
        return
    where = f"{kind}/{name}"

    labels = (resource.get("metadata") or {}).get("labels") or {}
    template_labels = pod_labels(resource)
    for scope, have in (("metadata.labels", labels), ("pod template labels", template_labels)):
        if have.get("app.kubernetes.io/name") != name:
            yield f"{where}: {scope} needs app.kubernetes.io/name={name}"
        if have.get("app.kubernetes.io/part-of") != PART_OF:
            yield f"{where}: {scope} needs app.kubernetes.io/part-of={PART_OF}"
        if not have.get("app.kubernetes.io/component"):
            yield f"{where}: {scope} needs app.kubernetes.io/component"
    if kind not in {"Job", "CronJob"}:
        selector = ((resource.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        if not selector:
            yield f"{where}: spec.selector.matchLabels is empty"
        for key, value in selector.items():
            if template_labels.get(key) != value:
                yield f"{where}: selector {key}={value} does not match the pod template labels"

    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            yield f"{where}: {flag} must not be set"

    pod_sc = spec.get("securityContext") or {}
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    containers = spec.get("containers") or []
    if not containers:
        yield f"{where}: no containers"
    init_containers = spec.get("initContainers") or []

    for container in [*containers, *init_containers]:
        cname = f"{where} container {container.get('name')}"
        sc = container.get("securityContext") or {}

        if effective(sc, pod_sc, "runAsNonRoot") is not True:
            yield f"{cname}: runAsNonRoot must be true"
        if effective(sc, pod_sc, "runAsUser") != RUN_AS_USER:
            yield f"{cname}: runAsUser must be {RUN_AS_USER}"
        if sc.get("readOnlyRootFilesystem") is not True:
            yield f"{cname}: readOnlyRootFilesystem must be true"
        if sc.get("allowPrivilegeEscalation") is not False:
            yield f"{cname}: allowPrivilegeEscalation must be false"
        if sc.get("privileged"):
            yield f"{cname}: privileged must not be true"
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            yield f"{cname}: capabilities.drop must contain ALL"
        if caps.get("add"):
            yield f"{cname}: capabilities.add must be empty, got {caps['add']}"
        seccomp = effective(sc, pod_sc, "seccompProfile") or {}
        if seccomp.get("type") != "RuntimeDefault":
            yield f"{cname}: seccompProfile.type must be RuntimeDefault"

        image = str(container.get("image", ""))
        if not image.startswith(IMAGE_REGISTRY):
            yield f"{cname}: image {image!r} must come from {IMAGE_REGISTRY}"

        resources = container.get("resources") or {}
        for bound in ("requests", "limits"):
            for res in ("cpu", "memory"):
                if res not in (resources.get(bound) or {}):
                    yield f"{cname}: resources.{bound}.{res} is missing"
        for res in ("cpu", "memory"):
            req = (resources.get("requests") or {}).get(res)
            lim = (resources.get("limits") or {}).get(res)
            if req is not None and lim is not None and quantity(req) > quantity(lim):
                yield f"{cname}: resources.requests.{res} ({req}) exceeds the limit ({lim})"

        tmp_mounts = [
            m for m in container.get("volumeMounts") or [] if m.get("mountPath") == "/tmp"
        ]
        if not tmp_mounts:
            yield f"{cname}: needs a writable /tmp (emptyDir volume mount)"
        for mount in tmp_mounts:
            if "emptyDir" not in (volumes.get(mount.get("name")) or {}):
                yield f"{cname}: /tmp must be mounted from an emptyDir volume"

    for container in containers:
        cname = f"{where} container {container.get('name')}"
        for probe_name in ("readinessProbe", "livenessProbe"):
            probe = container.get(probe_name)
            if not probe:
                yield f"{cname}: {probe_name} is missing"
            elif len(probe_handlers(probe)) != 1:
                handlers = probe_handlers(probe)
                yield f"{cname}: {probe_name} needs exactly one handler, got {handlers}"


def observability_problems(resource: dict[str, Any]) -> Iterator[str]:
    """JSON logs and a Prometheus scrape target on every workload; yields problems."""
    spec = pod_spec(resource)
    if spec is None:
        return
    where = f"{resource.get('kind')}/{(resource.get('metadata') or {}).get('name')}"
    template = ((resource.get("spec") or {}).get("template") or {}).get("metadata") or {}
    annotations = template.get("annotations") or {}
    if annotations.get("prometheus.io/scrape") != "true":
        yield f'{where}: pod template needs prometheus.io/scrape: "true"'
    if annotations.get("prometheus.io/path", "/metrics") != "/metrics":
        yield f"{where}: prometheus.io/path must be /metrics"
    scraped = str(annotations.get("prometheus.io/port", ""))
    containers = spec.get("containers") or []
    declared = {str(p.get("containerPort")) for c in containers for p in c.get("ports") or []}
    if scraped not in declared:
        yield f"{where}: prometheus.io/port {scraped!r} is not a declared container port"
    for container in containers:
        cname = f"{where} container {container.get('name')}"
        env = {e.get("name"): e.get("value") for e in container.get("env") or []}
        if env.get("MEDCODE_LOG_FORMAT") != "json":
            yield f"{cname}: MEDCODE_LOG_FORMAT must be json (one JSON object per log line)"
        for variable, value in env.items():
            if str(variable).endswith("_METRICS_PORT") and str(value) != scraped:
                yield f"{cname}: {variable}={value} but prometheus.io/port is {scraped!r}"


def container_named(resources: list[Resource], kind: str, name: str) -> dict[str, Any]:
    matches = [r for r in resources if r.kind == kind and r.name == name]
    assert len(matches) == 1, f"expected exactly one {kind}/{name} in base, found {len(matches)}"
    spec = pod_spec(matches[0].doc) or {}
    containers = [c for c in spec.get("containers") or [] if c.get("name") == name]
    assert containers, f"{kind}/{name} has no container named {name!r}"
    return containers[0]


def kubernetes_validate_module() -> Any:
    try:
        import kubernetes_validate
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("kubernetes-validate is not installed: pip install kubernetes-validate")
    return kubernetes_validate


def schema_problems(resources: list[Resource], version: str) -> list[str]:
    kv = kubernetes_validate_module()
    problems = []
    for res in resources:
        try:
            kv.validate(res.doc, version, strict=True)
        except kv.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            problems.append(f"{res}: {path}: {exc.message}")
        except kv.SchemaNotFoundError as exc:
            problems.append(f"{res}: {exc.message}")
    return problems


# --------------------------------------------------------------------------- search builders

SEARCH_IMAGE = f"{IMAGE_REGISTRY}search"
SEARCH_BACKEND = "MEDCODE_SEARCH_BACKEND"
SEARCH_BUILDS = "MEDCODE_SEARCH_ELASTICSEARCH_BUILDS"
SEARCH_HOLDER = "MEDCODE_SEARCH_ELASTICSEARCH_HOLDER"
#: What pydantic reads as false for a bool setting.
_FALSE = {"0", "false", "f", "no", "n", "off"}


def env_by_name(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(e.get("name")): e for e in container.get("env") or []}


def with_env_patch(resource: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A copy of a workload with a strategic-merge patch's container env merged by variable
    name, as kustomize merges it (the patch's new variables first); other fields are kept."""
    merged = yaml.safe_load(yaml.safe_dump(resource))
    containers = (pod_spec(merged) or {}).get("containers") or []
    for patched in (pod_spec(patch) or {}).get("containers") or []:
        for container in containers:
            if container.get("name") != patched.get("name"):
                continue
            env = env_by_name(container)
            new = [e for e in patched.get("env") or [] if e.get("name") not in env]
            for entry in patched.get("env") or []:
                if entry.get("name") in env:
                    env[entry["name"]] = entry
            container["env"] = [*new, *env.values()]
    return merged


def production_workloads(base: list[Resource]) -> list[tuple[dict[str, Any], int]]:
    """(workload, replicas) as the production overlay makes them from base: its replica
    counts and its Deployment patches' container env (enough to judge who builds)."""
    overlay = load_yaml(PRODUCTION / "kustomization.yaml")
    replicas = {e["name"]: int(e["count"]) for e in overlay.get("replicas") or []}
    patches: dict[str, list[dict[str, Any]]] = {}
    for entry in overlay.get("patches") or []:
        target_kind = (entry.get("target") or {}).get("kind") if isinstance(entry, dict) else None
        if isinstance(entry, dict) and "path" in entry and target_kind in (None, "Deployment"):
            body = load_yaml(PRODUCTION / entry["path"])
            name = (entry.get("target") or {}).get("name") or body["metadata"]["name"]
            patches.setdefault(name, []).append(body)
    found = []
    for res in base:
        if res.kind not in WORKLOAD_KINDS:
            continue
        doc = res.doc
        for patch in patches.get(res.name, []) if res.kind == "Deployment" else []:
            doc = with_env_patch(doc, patch)
        count = replicas.get(res.name, int((doc.get("spec") or {}).get("replicas", 1)))
        found.append((doc, count))
    return found


def search_index_builders(workloads: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(Kind/name, search container) of every pod template that runs search on
    Elasticsearch and may build its index (its builds setting is not false)."""
    found = []
    for workload in workloads:
        for container in (pod_spec(workload) or {}).get("containers") or []:
            image = str(container.get("image", ""))
            if image.partition("@")[0].rpartition(":")[0] != SEARCH_IMAGE and image != SEARCH_IMAGE:
                continue
            env = env_by_name(container)
            if (env.get(SEARCH_BACKEND) or {}).get("value") != "elasticsearch":
                continue
            builds = str((env.get(SEARCH_BUILDS) or {}).get("value", "true")).strip().lower()
            if builds not in _FALSE:
                where = f"{workload.get('kind')}/{(workload.get('metadata') or {}).get('name')}"
                found.append((where, container))
    return found


def search_builder_problems(workloads: list[dict[str, Any]]) -> Iterator[str]:
    """One builder per search index: exactly one pod template may build, and each of its
    pods takes the build lease under its own name (the pod name)."""
    builders = search_index_builders(workloads)
    if len(builders) != 1:
        names = [where for where, _container in builders] or "none"
        yield f"exactly one pod template may build search indices; found {names}"
    for where, container in builders:
        holder = env_by_name(container).get(SEARCH_HOLDER) or {}
        field_path = (((holder.get("valueFrom") or {}).get("fieldRef")) or {}).get("fieldPath")
        if field_path != "metadata.name":
            yield f"{where}: {SEARCH_HOLDER} must come from the pod name (fieldRef metadata.name)"
