"""The interaction log's schema: its three tables' columns and types, `InteractionLog`,
`LogError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

FORMAT_VERSION = 1


UTC = dt.UTC


TS_TYPE = pa.timestamp("us", tz="UTC")


#: Unix time of 1990-01-01T00:00:00Z: canonical timestamps before this are rejected.
MIN_TS = dt.datetime(1990, 1, 1, tzinfo=UTC)


#: Clock skew tolerated before a timestamp counts as "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


VERBS = (
    "post",
    "reply",
    "reaction",
    "mention",
    "message",
    "view",
    "join",
    "leave",
    "follow",
    "unfollow",
    "edit",
    "delete",
    "hide",
    "accept_answer",
    "idea_status",
    "decision",
    "knowledge_saved",
    "wiki_edit",
    "article",
    "check_in",
    "objective",
)


KINDS = ("", "update", "question", "idea", "decision", "announcement")


EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("ts", TS_TYPE),
        ("actor", pa.string()),
        ("verb", pa.string()),
        ("workspace", pa.string()),
        ("object_id", pa.string()),
        ("parent_id", pa.string()),
        ("thread_id", pa.string()),
        ("target_actor", pa.string()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("is_bot", pa.bool_()),
    ]
)


PEOPLE_SCHEMA = pa.schema(
    [
        ("actor", pa.string()),
        ("name", pa.string()),
        ("department", pa.string()),
        ("manager", pa.string()),
        ("location", pa.string()),
        ("joined_at", TS_TYPE),
        ("is_bot", pa.bool_()),
        ("time_zone", pa.string()),
    ]
)


WORKSPACES_SCHEMA = pa.schema(
    [
        ("workspace", pa.string()),
        ("name", pa.string()),
        ("purpose", pa.string()),
        ("objectives", pa.string()),
        ("created_at", TS_TYPE),
    ]
)


SCHEMAS: dict[str, pa.Schema] = {
    "events": EVENTS_SCHEMA,
    "people": PEOPLE_SCHEMA,
    "workspaces": WORKSPACES_SCHEMA,
}


#: Columns a table must have; every other column of its schema is optional.
REQUIRED: dict[str, tuple[str, ...]] = {
    "events": ("event_id", "ts", "actor", "verb", "is_bot"),
    "people": ("actor", "is_bot"),
    "workspaces": ("workspace",),
}


EXTENSIONS = (".parquet", ".csv", ".jsonl")


class LogError(ValueError):
    """Bad input: carries where it is (file, line, column) and what is wrong.

    ``str(err)`` is one line, e.g. ``events.csv, line 7, column ts: not a timestamp: 'x'``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        message = " ".join(message.split())  # always one line
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = [p for p in (file, f"line {line}" if line else None) if p]
        if column:
            where.append(f"column {column}")
        super().__init__(", ".join(where) + (": " if where else "") + message)


@dataclass(frozen=True)
class InteractionLog:
    """A canonical interaction log: three Arrow tables with the format-1 schemas, plus meta.

    Build one with :func:`make_log` (fills missing optional columns and checks it) or read one
    with :func:`read_log`.
    """

    events: pa.Table
    people: pa.Table
    workspaces: pa.Table
    meta: Mapping[str, Any] = field(default_factory=dict)
