"""Immutable per-release SQLite snapshots: one writer (importers), one reader (the server)."""
