"""Search service configuration, from MEDCODE_SEARCH_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from medcode_common.settings import METRICS_PORT_HELP, PORT_HELP, GrpcServiceSettings

DEFAULT_PORT = 50052
DEFAULT_METRICS_PORT = 9102


class SearchSettings(GrpcServiceSettings):
    """Where the search service listens, which backend it uses, where the codes service is."""

    model_config = SettingsConfigDict(env_prefix="MEDCODE_SEARCH_", extra="ignore")

    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description=PORT_HELP)
    metrics_port: int = Field(
        default=DEFAULT_METRICS_PORT, ge=0, le=65535, description=METRICS_PORT_HELP
    )
    backend: Literal["tantivy", "elasticsearch"] = Field(
        default="tantivy", description="Embedded tantivy index, or an Elasticsearch cluster."
    )
    index_dir: Path = Field(
        default=Path("var/search"),
        description="tantivy index folders and the popularity counts (both backends).",
    )
    elasticsearch_url: str = Field(
        default="http://127.0.0.1:9200", description="Elasticsearch URL(s), comma-separated."
    )
    elasticsearch_alias: str = Field(
        default="medcode-codes",
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Alias searched; concrete indices are named <alias>-<version>-<fingerprint>.",
    )
    elasticsearch_replicas: int = Field(default=1, ge=0, description="Replicas per index.")
    elasticsearch_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Deadline of each Elasticsearch request."
    )
    elasticsearch_builds: bool = Field(
        default=True,
        description="May build new indices, one pod at a time (the build lease); false on "
        "pods that only ever follow the alias.",
    )
    elasticsearch_holder: str = Field(
        default="",
        description="This pod's name on the build lease (default: the host name, which is "
        "the pod name in Kubernetes).",
    )
    elasticsearch_lease_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Life of the build lease; the builder renews it every third of that, so "
        "a builder that died is replaced after at most this long.",
    )
    elasticsearch_follow_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often a pod that does not build looks whether the alias has moved.",
    )
    elasticsearch_follow_timeout_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How long one refresh waits for another pod's build before it returns "
        "(the poll looks again later; the served index keeps answering meanwhile).",
    )
    warm: bool = Field(
        default=True,
        description="Profile every code before a new index serves (first queries as fast "
        "as later ones; seconds of CPU per build).",
    )
    codes_addr: str = Field(default="127.0.0.1:50051", description="host:port of codes.")
    export_timeout_seconds: float = Field(
        default=600.0, gt=0, description="Deadline of reading every code from the codes service."
    )
    release_history: int = Field(
        default=2,
        ge=1,
        le=20,
        description="Releases of each code system kept searchable (by name or as_of date).",
    )
    refresh_seconds: float = Field(
        default=60.0, gt=0, description="Fallback poll of the codes service for new releases."
    )
    events: bool = Field(
        default=True,
        description="Consume release.published (rebuild) and view.consumed (popularity).",
    )
    release_group: str = Field(
        default="search",
        min_length=1,
        description="Consumer group for ReleasePublished; one per tantivy replica if each "
        "must rebuild at once (a group delivers an event to one member).",
    )
    popularity_group: str = Field(
        default="search-popularity", min_length=1, description="Consumer group for views."
    )
    popularity_half_life_days: float = Field(
        default=30.0, gt=0, description="Views lose half their weight in this many days."
    )
