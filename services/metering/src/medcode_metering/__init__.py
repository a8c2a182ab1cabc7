"""MedCode metering: view allowances and partner quotas kept in Valkey/Redis.

Every allow/deny decision is one Lua script so concurrent requests from many gateway replicas
can never grant more than the allowance.
"""

from medcode_metering.allowance import Decision, ViewMeter
from medcode_metering.quota import QuotaLimiter

__all__ = ["Decision", "QuotaLimiter", "ViewMeter"]
