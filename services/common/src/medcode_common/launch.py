"""How the platform runner starts one service; each service package publishes one.

Services advertise a `ServiceLaunch` under the ``medcode.services`` entry-point group, so
the runner in this library starts whatever is installed without importing service code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Literal

HealthKind = Literal["grpc", "http", "redis", "smtp"]
"""gRPC health service, an HTTP 200 on `health_path`, a Redis PING, or an SMTP NOOP."""


@dataclass(frozen=True, slots=True)
class ServiceLaunch:
    """Everything the runner needs to start, wire and health-check one service.

    `argv` runs the service in the foreground. `port_env` names the variable that sets its
    port. `peers` maps an environment variable to another service's name; the runner sets
    it to that service's ``host:port``. `prepare` runs once before start (e.g. build data)
    and gets the runner's environment. `exports` are variables the runner sets for every
    service started after this one (``{address}`` becomes its ``host:port``) unless the
    operator set them already. `wanted` says, from the environment, whether to start it at
    all (an embedded store is skipped when production points at an external one).
    """

    name: str
    order: int
    argv: Sequence[str]
    port_env: str
    default_port: int
    health: HealthKind
    health_path: str = "/readyz"
    health_service: str = ""
    peers: Mapping[str, str] = field(default_factory=dict)
    prepare: Callable[[Mapping[str, str]], None] | None = None
    exports: Mapping[str, str] = field(default_factory=dict)
    wanted: Callable[[Mapping[str, str]], bool] | None = None

    def is_wanted(self, env: Mapping[str, str]) -> bool:
        """Whether the runner should start this service under `env`."""
        return self.wanted is None or self.wanted(env)


def installed_launches() -> list[ServiceLaunch]:
    """Every service installed in this environment, in start order."""
    launches = [ep.load() for ep in entry_points(group="medcode.services")]
    return sorted(launches, key=lambda launch: launch.order)


def wanted_launches(env: Mapping[str, str]) -> list[ServiceLaunch]:
    """The installed services to run under `env`, in start order."""
    return [launch for launch in installed_launches() if launch.is_wanted(env)]
