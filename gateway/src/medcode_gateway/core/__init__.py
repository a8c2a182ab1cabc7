"""Shared plumbing of every area: service clients, problems, caches, health probes."""
