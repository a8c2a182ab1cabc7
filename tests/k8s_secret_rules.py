"""Rules for credentials in deploy/k8s (see test_k8s_security.py): service keys and store
credentials come from Secrets the operator creates, never from the repository, and every
store connection is encrypted and authenticated."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .k8s_rules import K8S, env_by_name, pod_labels, pod_spec, rel

#: Identities that verify callers' tokens (need every public key) and that sign calls (need
#: their own private key), by workload name.
VERIFIERS = {"codes", "search", "metering", "accounts", "assistant"}
CALLERS = {"gateway", "search", "assistant"}
PUBLIC_KEYS_SECRET = "medcode-service-keys"
KEYS_DIR = "MEDCODE_SERVICE_KEYS_DIR"


def identity_secret(name: str) -> str:
    """The Secret holding `name`'s private key (`<name>.key.pem`)."""
    return f"medcode-{name}-identity"


def _secrets_of(volume: Mapping[str, Any]) -> set[str] | None:
    """Secret names a volume is made of; None when any part of it is not a Secret."""
    if "secret" in volume:
        return {str(volume["secret"].get("secretName"))}
    sources = (volume.get("projected") or {}).get("sources") or []
    if sources and all("secret" in s for s in sources):
        return {str(s["secret"].get("name")) for s in sources}
    return None


def service_key_problems(workload: Mapping[str, Any]) -> Iterator[str]:
    """Keys by Secret reference: the public keys for a verifier, its own private key for a
    caller, and never another identity's private key."""
    name = pod_labels(dict(workload)).get("app.kubernetes.io/name", "?")
    spec = pod_spec(dict(workload)) or {}
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    for container in spec.get("containers") or []:
        where = f"{workload.get('kind')}/{name} container {container.get('name')}"
        keys_dir = (env_by_name(container).get(KEYS_DIR) or {}).get("value")
        if not keys_dir:
            yield f"{where}: {KEYS_DIR} is not set (service tokens cannot be signed or checked)"
            continue
        mounts = [m for m in container.get("volumeMounts") or [] if m.get("mountPath") == keys_dir]
        if len(mounts) != 1:
            yield f"{where}: {KEYS_DIR}={keys_dir} is not a mounted volume"
            continue
        secrets = _secrets_of(volumes.get(mounts[0].get("name")) or {})
        if secrets is None:
            yield f"{where}: the service keys must come from Secrets only"
            continue
        if name in VERIFIERS and PUBLIC_KEYS_SECRET not in secrets:
            yield f"{where}: checks callers but does not mount {PUBLIC_KEYS_SECRET}"
        if name in CALLERS and identity_secret(name) not in secrets:
            yield f"{where}: calls other services but does not mount {identity_secret(name)}"
        for secret in sorted(secrets):
            if secret.endswith("-identity") and secret != identity_secret(name):
                yield f"{where}: mounts {secret}, another identity's private key"


def _from_secret(entry: Mapping[str, Any] | None) -> bool:
    return bool(((entry or {}).get("valueFrom") or {}).get("secretKeyRef"))


def store_security_problems(workload: Mapping[str, Any]) -> Iterator[str]:
    """Kafka over SASL_SSL with credentials from Secrets; Redis and PostgreSQL verified TLS."""
    name = pod_labels(dict(workload)).get("app.kubernetes.io/name", "?")
    for container in (pod_spec(dict(workload)) or {}).get("containers") or []:
        where = f"{workload.get('kind')}/{name} container {container.get('name')}"
        env = env_by_name(container)
        value = {k: str((v or {}).get("value", "")) for k, v in env.items()}
        if value.get("MEDCODE_EVENTS_BACKEND") == "kafka":
            if value.get("MEDCODE_EVENTS_KAFKA_SECURITY_PROTOCOL") != "SASL_SSL":
                yield f"{where}: Kafka must use MEDCODE_EVENTS_KAFKA_SECURITY_PROTOCOL=SASL_SSL"
            for variable in (
                "MEDCODE_EVENTS_KAFKA_SASL_USERNAME",
                "MEDCODE_EVENTS_KAFKA_SASL_PASSWORD",
            ):
                if not _from_secret(env.get(variable)):
                    yield f"{where}: {variable} must come from a Secret (secretKeyRef)"
        if "MEDCODE_METERING_REDIS_URL" in env:
            if not _from_secret(env["MEDCODE_METERING_REDIS_URL"]):
                yield f"{where}: MEDCODE_METERING_REDIS_URL (it holds a password) needs a Secret"
            if not value.get("MEDCODE_METERING_REDIS_CA_FILE"):
                yield f"{where}: MEDCODE_METERING_REDIS_CA_FILE must verify the rediss:// server"
        if "MEDCODE_ACCOUNTS_DATABASE_URL" in env:
            if not _from_secret(env["MEDCODE_ACCOUNTS_DATABASE_URL"]):
                yield f"{where}: MEDCODE_ACCOUNTS_DATABASE_URL (it holds a password) needs a Secret"
            if value.get("MEDCODE_ACCOUNTS_DATABASE_SSLMODE") != "verify-full":
                yield f"{where}: MEDCODE_ACCOUNTS_DATABASE_SSLMODE must be verify-full"
            if not value.get("MEDCODE_ACCOUNTS_DATABASE_SSLROOTCERT"):
                yield f"{where}: MEDCODE_ACCOUNTS_DATABASE_SSLROOTCERT must name the CA"


def committed_secret_problems(resources: list[Mapping[str, Any]]) -> Iterator[str]:
    """No Secret with data and no key material anywhere under deploy/k8s."""
    for resource in resources:
        if resource.get("kind") == "Secret" and (
            resource.get("data") or resource.get("stringData")
        ):
            yield f"Secret/{(resource.get('metadata') or {}).get('name')}: data committed"
    for path in sorted(K8S.rglob("*")):
        if path.is_file() and "PRIVATE KEY-----" in path.read_text(errors="replace"):
            yield f"{rel(path)}: contains a private key"
