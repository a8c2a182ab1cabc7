"""How the platform runner starts one service; each service package publishes one.

Services advertise a `ServiceLaunch` under the ``medcode.services`` entry-point group, so
the runner in this library starts whatever is installed without importing service code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Literal

HealthKind = Literal["grpc", "http"]


@dataclass(frozen=True, slots=True)
class ServiceLaunch:
    """Everything the runner needs to start, wire and health-check one service.

    `argv` runs the service in the foreground. `port_env` names the variable that sets its
    port. `peers` maps an environment variable to another service's name; the runner sets
    it to that service's ``host:port``. `prepare` runs once before start (e.g. build data)
    and gets the runner's environment.
    """

    name: str
    order: int
    argv: Sequence[str]
    port_env: str
    default_port: int
    health: HealthKind
    health_path: str = "/readyz"
    peers: Mapping[str, str] = field(default_factory=dict)
    prepare: Callable[[Mapping[str, str]], None] | None = None


def installed_launches() -> list[ServiceLaunch]:
    """Every service installed in this environment, in start order."""
    launches = [ep.load() for ep in entry_points(group="medcode.services")]
    return sorted(launches, key=lambda launch: launch.order)
