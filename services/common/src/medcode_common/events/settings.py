"""Event-bus settings, read from ``MEDCODE_EVENTS_*`` environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EventSettings(BaseSettings):
    """Which backend carries events and where it is.

    Redis Streams is the default because an embedded valkey-server makes it work on a laptop
    with no infrastructure; Kafka is for deployments that already run it.
    """

    model_config = SettingsConfigDict(env_prefix="MEDCODE_EVENTS_", extra="ignore")

    backend: Literal["redis", "kafka"] = Field(default="redis", description="Bus backend.")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis/Valkey URL.")
    kafka_bootstrap: str = Field(
        default="127.0.0.1:9092", description="Comma-separated Kafka bootstrap servers."
    )
    topic_prefix: str = Field(
        default="medcode.", description="Prefix of every stream/topic name, to share a cluster."
    )
    consumer_name: str = Field(
        default="", description="Consumer identity in its group; empty picks host-pid-random."
    )
