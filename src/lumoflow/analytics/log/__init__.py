"""The canonical interaction log (format 1): schema, reader, validator and writer.

The log is the seam between the platform, the importers and the analytics (DESIGN.md rule 2).
A log is a folder, or a ``.zip`` of one, holding ``events``, ``people`` and ``workspaces`` tables
(each as ``.parquet``, ``.csv`` or ``.jsonl``) and ``log.json``
(``{"format": 1, "source": "...", "created": "...", "notes": [...]}``).

Public API
----------
``InteractionLog``   frozen dataclass of three Arrow tables plus ``meta``.
``read_log(path)``   read and validate a folder or zip; raises ``LogError``.
``write_log(log, out_dir, *, fmt="parquet")``  write a log atomically (the folder appears whole).
``validate(log)``    check a log built in memory; raises ``LogError`` naming table, row and column.
``normalise_events`` / ``normalise_people`` / ``normalise_workspaces``: coerce tables whose
columns are all text (as read from CSV) to the canonical types.

One module per step: `schema` (the tables' columns and types, `InteractionLog`, `LogError`),
`normalise` (text columns to the canonical types), `validate` (the rules a log keeps), `parse`
(bytes of one table file to a table: pure), `files` (reading and writing folders and zips: the only
file I/O).
"""

from __future__ import annotations

from .files import read_log, write_log
from .normalise import normalise_table
from .parse import check_utf8, physical_line, read_csv_text, read_table_bytes
from .schema import (
    EVENTS_SCHEMA,
    EXTENSIONS,
    FORMAT_VERSION,
    FUTURE_TOLERANCE,
    KINDS,
    MIN_TS,
    PEOPLE_SCHEMA,
    REQUIRED,
    SCHEMAS,
    TS_TYPE,
    UTC,
    VERBS,
    WORKSPACES_SCHEMA,
    InteractionLog,
    LogError,
)
from .validate import make_log, validate, validate_events, validate_people

__all__ = [
    "EVENTS_SCHEMA",
    "EXTENSIONS",
    "FORMAT_VERSION",
    "FUTURE_TOLERANCE",
    "InteractionLog",
    "KINDS",
    "LogError",
    "MIN_TS",
    "PEOPLE_SCHEMA",
    "REQUIRED",
    "SCHEMAS",
    "TS_TYPE",
    "UTC",
    "VERBS",
    "WORKSPACES_SCHEMA",
    "check_utf8",
    "make_log",
    "normalise_table",
    "physical_line",
    "read_csv_text",
    "read_log",
    "read_table_bytes",
    "validate",
    "validate_events",
    "validate_people",
    "write_log",
]

# The public classes are named where they are imported from, as before the split.
LogError.__module__ = InteractionLog.__module__ = __name__
