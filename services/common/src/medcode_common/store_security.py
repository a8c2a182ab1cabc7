"""TLS and authentication options for the stores every service talks to (Redis, Kafka).

Kept in one place so metering's counters and the Redis event bus read a `rediss://` URL the
same way, and so a CA file without TLS is refused at start instead of silently ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


def redis_tls_options(url: str, ca_file: Path | None) -> dict[str, Any]:
    """redis-py keyword arguments for `url`: verify a `rediss://` server against `ca_file`.

    The password travels in the URL (`rediss://:<password>@host:6379/0`, or a user name
    before the colon for Redis ACLs). Without a CA file a `rediss://` URL is verified against
    the system's CAs; a CA file with a plain `redis://` URL is a configuration error.
    """
    if ca_file is None:
        return {}
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # not a URL at all (redis-py will say so when it parses it)
        scheme = ""
    if scheme != "rediss":
        raise ValueError(
            "a Redis CA file is set but the URL is not rediss://: the connection would not "
            "use TLS at all"
        )
    return {"ssl_ca_certs": str(ca_file), "ssl_cert_reqs": "required", "ssl_check_hostname": True}


def kafka_security_options(
    *,
    protocol: KafkaSecurityProtocol,
    mechanism: KafkaSaslMechanism,
    username: str,
    password: str,
    ca_file: Path | None,
) -> dict[str, Any]:
    """kafka-python configuration for the broker connection (producer and consumer alike)."""
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol.startswith("SASL_"):
        if not username or not password:
            raise ValueError(f"Kafka {protocol} needs a SASL user name and password")
        options |= {
            "sasl_mechanism": mechanism,
            "sasl_plain_username": username,
            "sasl_plain_password": password,
        }
    if protocol.endswith("SSL"):
        options["ssl_check_hostname"] = True
        if ca_file is not None:
            options["ssl_cafile"] = str(ca_file)
    elif ca_file is not None:
        raise ValueError(f"a Kafka CA file is set but the security protocol {protocol} has no TLS")
    return options
