"""Event-bus settings, read from ``MEDCODE_EVENTS_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from medcode_common.store_security import (
    KafkaSaslMechanism,
    KafkaSecurityProtocol,
    kafka_security_options,
    redis_tls_options,
)


class EventSettings(BaseSettings):
    """Which backend carries events and where it is.

    Redis Streams is the default because an embedded valkey-server makes it work on a laptop
    with no infrastructure; Kafka is for deployments that already run it.
    """

    model_config = SettingsConfigDict(env_prefix="MEDCODE_EVENTS_", extra="ignore")

    backend: Literal["redis", "kafka"] = Field(default="redis", description="Bus backend.")
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Redis/Valkey URL; rediss://:<password>@host:6379/0 for TLS and a password.",
    )
    redis_ca_file: Path | None = Field(
        default=None,
        description="CA certificate(s) (PEM) that signed the Redis server's certificate "
        "(needs a rediss:// URL); unset: the system's CAs.",
    )
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", description="Comma-separated Kafka bootstrap servers."
    )
    kafka_security_protocol: KafkaSecurityProtocol = Field(
        default="PLAINTEXT",
        description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (production: SASL_SSL).",
    )
    kafka_sasl_mechanism: KafkaSaslMechanism = Field(
        default="SCRAM-SHA-512",
        description="SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.",
    )
    kafka_sasl_username: str = Field(default="", description="SASL user name.")
    kafka_sasl_password: SecretStr = Field(default=SecretStr(""), description="SASL password.")
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description="CA certificate(s) (PEM) that signed the brokers' certificates; unset: the "
        "system's CAs.",
    )
    topic_prefix: str = Field(
        default="medcode.", description="Prefix of every stream/topic name, to share a cluster."
    )
    consumer_name: str = Field(
        default="", description="Consumer identity in its group; empty picks host-pid-random."
    )

    @model_validator(mode="after")
    def _security_is_consistent(self) -> EventSettings:
        """Refuse half-configured TLS/SASL at start rather than connect in the clear."""
        self.redis_options()
        self.kafka_options()
        return self

    def redis_options(self) -> dict[str, Any]:
        """redis-py keyword arguments for `redis_url` (TLS verification)."""
        return redis_tls_options(self.redis_url, self.redis_ca_file)

    def kafka_options(self) -> dict[str, Any]:
        """kafka-python configuration for the broker connection (TLS, SASL)."""
        return kafka_security_options(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=self.kafka_sasl_password.get_secret_value(),
            ca_file=self.kafka_ssl_cafile,
        )
