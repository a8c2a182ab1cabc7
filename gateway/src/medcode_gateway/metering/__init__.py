"""Metering: code-page views for guests and free users, API-key quotas, the caller's meter."""
