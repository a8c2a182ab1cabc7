"""Traceable requests at the gateway: request ids, access log, upstream failures, /metrics.

The app factory puts `RequestObserver` first in its middleware list and adds the /metrics
route, so the request id and the access log cover fast paths and cache hits too.
"""
