"""Reference data sets keyed by code (fee schedule, NCCI edits, MUEs, CC/MCC, GEMs).

Each import is an immutable SQLite file per kind and release, like the code snapshots, so a
release never changes under a reader and a failed import leaves the current one in place.
"""
