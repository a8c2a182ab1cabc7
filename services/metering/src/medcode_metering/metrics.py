"""Views granted and refused, by reason: the numbers behind the free-tier limits."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from medcode_metering.allowance import Decision


class MeteringMetrics:
    """View counters on one registry (the service's own, or a private one in tests)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.granted = Counter(
            "medcode_views_granted",
            "Code-page views allowed, by reason (allowed: charged; repeat_view: free again "
            "within 24 h; unlimited: a plan without limits).",
            ["reason"],
            registry=self.registry,
        )
        self.refused = Counter(
            "medcode_views_refused",
            "Code-page views refused, by reason (limit_reached: the month's views are used; "
            "ip_cap: the network's guest views for the day are used).",
            ["reason"],
            registry=self.registry,
        )

    def view(self, decision: Decision) -> None:
        """Count one ConsumeView decision."""
        (self.granted if decision.allowed else self.refused).labels(decision.reason).inc()
