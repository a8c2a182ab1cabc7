"""The snapshot file format. Bump SCHEMA_VERSION when it changes; readers refuse others."""

from __future__ import annotations

SCHEMA_VERSION = "1"

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
    PRIMARY KEY (code, seq)
) WITHOUT ROWID;
"""
