"""Traceable requests at the gateway: request ids, access log, upstream failures, /metrics.

`install.install_observability(app)` is the one call the app factory makes, after every other
middleware, so the request id and the access log cover fast paths and cache hits too.
"""
