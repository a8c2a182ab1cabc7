"""The snapshot file format. Bump SCHEMA_VERSION when it changes.

Readers also open the older versions in READABLE_VERSIONS (missing columns read as empty),
so snapshots an operator imported before an upgrade keep serving; `medcode import` rebuilds
any snapshot whose version is not SCHEMA_VERSION.
"""

from __future__ import annotations

#: 2: seventh_character.notes (the notes a 7th-character definition lists under a value).
SCHEMA_VERSION = "2"
READABLE_VERSIONS = frozenset({"1", SCHEMA_VERSION})

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE node (
    seq INTEGER PRIMARY KEY,          -- tabular (document) order
    code TEXT NOT NULL UNIQUE,        -- canonical code
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    billable INTEGER NOT NULL,
    parent TEXT,                      -- canonical code of the parent, NULL at the top
    extra TEXT                        -- JSON, system-specific fields
);
CREATE INDEX node_parent ON node (parent, seq);
CREATE TABLE note (
    code TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
CREATE TABLE seventh_character (
    code TEXT NOT NULL, seq INTEGER NOT NULL, character TEXT NOT NULL, description TEXT NOT NULL,
    notes TEXT,                       -- JSON list of note lines, NULL when none
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
"""
