"""Viva Engage (Yammer) network data export (a zip, or the folder it unpacks to) -> canonical
log, converted in DuckDB over Arrow (no loop per message).

Files: ``Messages.csv`` (required: ``id``, ``sender_id``, ``created_at``; used when present:
``replied_to_id``, ``thread_id``, ``group_id``, ``body``, ``deleted_at``, ``sender_type``,
``participants``, ``in_private_conversation``), ``Users.csv`` (``id``, ``name``, ``email``,
``job_title``, ``location``, ``department``, ``joined_at``), ``Groups.csv`` (``id``, ``name``,
``description``, ``private``, ``created_at``). Exports of several periods may hold
``Messages-*.csv`` files beside each other: all are read.

Rules and quirks, each handled below:

* Columns are found by name: their order may change between export versions and extra
  columns are ignored; a missing required column is an error naming the file (line 1).
* Times are written ``2019-01-04 22:37:38 UTC`` (or ISO 8601).
* People are known by their e-mail address (lower case) when ``Users.csv`` gives one, else
  ``yammer:<id>``; so ``--people`` matches them by address.
* A message with ``replied_to_id`` is a ``reply`` to that message (its ``target_actor`` the
  parent's author); ``thread_id`` is the conversation's root.
* Messages outside any group are in the "All Company" feed (workspace ``all-company``);
  private conversations (``in_private_conversation``) are their own workspace and give one
  ``message`` row per other participant (``participants`` as ``user:ID,user:ID``).
* A deleted message (``deleted_at``) still happened: it is kept, with a ``delete`` event.
* ``sender_type`` other than ``user`` (apps, bots) marks ``is_bot``.
* A message without an id, a sender or a readable time is skipped and listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.log import SCHEMAS, InteractionLog, LogError, read_csv_text

from .common import (
    ExportError,
    ExportFiles,
    Problems,
    fill_parent_authors,
    finish,
    is_zip,
    tick,
    zip_names,
)

REQUIRED = {
    "Messages.csv": ("id", "sender_id", "created_at"),
    "Users.csv": ("id",),
    "Groups.csv": ("id",),
}
OPTIONAL = {
    "Messages.csv": (
        "replied_to_id",
        "thread_id",
        "group_id",
        "body",
        "deleted_at",
        "sender_type",
        "participants",
        "in_private_conversation",
    ),
    "Users.csv": ("name", "email", "job_title", "location", "department", "joined_at"),
    "Groups.csv": ("name", "description", "private", "created_at"),
}


def _empty(kind: str) -> pa.Table:
    cols = REQUIRED[kind] + OPTIONAL[kind]
    table = pa.table({c: pa.array([], pa.string()) for c in cols})
    return table.append_column("_row", pa.array([], pa.int64()))


def _messages_files(names: list[str]) -> list[str]:
    return sorted(
        n
        for n in names
        if n.rsplit("/", 1)[-1].lower().startswith("messages") and n.lower().endswith(".csv")
    )


def detect(path: Path) -> bool:
    """A folder or zip holding ``Messages.csv``."""
    if path.is_dir():
        return (path / "Messages.csv").is_file()
    if is_zip(path):
        return any(n.rsplit("/", 1)[-1] == "Messages.csv" for n in zip_names(path))
    return False


def _table(files: ExportFiles, name: str, kind: str) -> pa.Table:
    """A CSV of the export as text columns: required ones checked, optional ones filled."""
    label = files.label(name)
    try:
        raw = read_csv_text(files.read(name), label)
    except LogError as exc:
        raise ExportError(exc.message, file=exc.file, line=exc.line, column=exc.column) from None
    names = {c.strip().lower(): c for c in raw.column_names}
    for col in REQUIRED[kind]:
        if col not in names:
            raise ExportError(f"missing required column {col!r}", file=label, line=1, column=col)
    cols = REQUIRED[kind] + OPTIONAL[kind]
    n = raw.num_rows
    return pa.table(
        {c: raw.column(names[c]) if c in names else pa.array([""] * n, pa.string()) for c in cols}
    ).append_column("_row", pa.array(range(1, n + 1), pa.int64()))


_EVENTS_SQL = """
WITH m AS (
  SELECT *,
    TRY_CAST(NULLIF(trim(created_at), '') AS TIMESTAMPTZ) AS t,
    TRY_CAST(NULLIF(trim(deleted_at), '') AS TIMESTAMPTZ) AS t_del,
    lower(trim(in_private_conversation)) IN ('true', '1', 'yes') AS private_conv
  FROM msgs
), ok AS (
  SELECT m.*,
    COALESCE(ua.actor, 'yammer:' || m.sender_id) AS actor,
    CASE WHEN m.group_id <> '' THEN m.group_id
         WHEN m.private_conv THEN 'conversation:' || COALESCE(NULLIF(m.thread_id, ''), m.id)
         ELSE 'all-company' END AS workspace,
    COALESCE(NULLIF(m.thread_id, ''), m.id) AS thread,
    lower(trim(m.sender_type)) NOT IN ('', 'user') AS bot
  FROM m LEFT JOIN ua ON ua.id = m.sender_id
  WHERE m.id <> '' AND m.sender_id <> '' AND m.t IS NOT NULL
)
SELECT id AS event_id, t AS ts, actor,
       CASE WHEN replied_to_id <> '' THEN 'reply' ELSE 'post' END AS verb,
       workspace, id AS object_id, replied_to_id AS parent_id, thread AS thread_id,
       '' AS target_actor, '' AS kind, body AS text, bot AS is_bot, _row
FROM ok
UNION ALL
SELECT id || ':delete', t_del, actor, 'delete', workspace, id, '', thread, '', '', '', bot,
       _row
FROM ok WHERE t_del IS NOT NULL
UNION ALL
SELECT ok.id || ':to:' || COALESCE(ub.actor, 'yammer:' || p.pid), ok.t, ok.actor, 'message',
       ok.workspace, ok.id, '', ok.thread, COALESCE(ub.actor, 'yammer:' || p.pid), '', '',
       ok.bot, ok._row
FROM ok,
  LATERAL (SELECT DISTINCT regexp_replace(trim(x), '^user:', '') AS pid
           FROM unnest(string_split(ok.participants, ',')) AS s(x) WHERE trim(x) <> '') p
LEFT JOIN ua ub ON ub.id = p.pid
WHERE ok.private_conv AND p.pid <> ok.sender_id
ORDER BY _row, verb
"""

_SKIPPED_SQL = """
SELECT _row, CASE WHEN id = '' THEN 'no id' WHEN sender_id = '' THEN 'no sender_id'
  WHEN trim(created_at) = '' THEN 'no created_at'
  ELSE 'created_at is not a time: ' || created_at END AS reason
FROM msgs
WHERE id = '' OR sender_id = ''
   OR TRY_CAST(NULLIF(trim(created_at), '') AS TIMESTAMPTZ) IS NULL
ORDER BY _row
"""

_PEOPLE_SQL = """
SELECT actor, name, department, '' AS manager, location,
       TRY_CAST(NULLIF(trim(joined_at), '') AS TIMESTAMPTZ) AS joined_at, false AS is_bot,
       '' AS time_zone
FROM (SELECT *, row_number() OVER (PARTITION BY actor ORDER BY _row) AS k FROM ua) WHERE k = 1
"""

_USERS_SQL = """
SELECT *, CASE WHEN trim(email) <> '' THEN lower(trim(email)) ELSE 'yammer:' || id END AS actor
FROM users WHERE id <> ''
"""

_GROUPS_SQL = """
SELECT id AS workspace, name, description AS purpose, '' AS objectives,
       TRY_CAST(NULLIF(trim(created_at), '') AS TIMESTAMPTZ) AS created_at
FROM groups WHERE id <> ''
"""


def read(path: Path, *, progress: Any = None) -> InteractionLog:
    """Read a Viva Engage / Yammer export (zip or folder of CSVs) into a checked log."""
    files = ExportFiles(path, marker="Messages.csv")
    if "Messages.csv" not in files:
        raise ExportError("no Messages.csv: not a Viva Engage export", file=str(path))
    problems = Problems()
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    for kind in ("Users.csv", "Groups.csv"):
        con.register(
            kind[:-4].lower(), _table(files, kind, kind) if kind in files else _empty(kind)
        )
    con.register("ua", con.sql(_USERS_SQL).to_arrow_table())
    parts = []
    for name in _messages_files(files.members):
        msgs = _table(files, name, "Messages.csv")
        con.register("msgs", msgs)
        for row, reason in con.sql(_SKIPPED_SQL).fetchall():
            problems.skip(files.label(name), None, f"message in data row {row}: {reason}")
        part = con.sql(_EVENTS_SQL).to_arrow_table().drop_columns(["_row"])
        parts.append(part)
        tick(progress, messages=msgs.num_rows, files=1)
    events = pa.concat_tables(parts) if parts else pa.table({})
    people = con.sql(_PEOPLE_SQL).to_arrow_table()
    workspaces = con.sql(_GROUPS_SQL).to_arrow_table()
    private = con.sql(
        "SELECT id FROM groups WHERE lower(trim(private)) IN ('true', '1', 'yes')"
    ).to_arrow_table()
    conversations = (
        pc.unique(events["workspace"])
        .filter(pc.starts_with(pc.unique(events["workspace"]), "conversation:"))
        .to_pylist()
        if events.num_rows
        else []
    )
    files.close()
    return finish(
        "yammer",
        fill_parent_authors(_cast(events, "events")),
        _cast(people, "people"),
        _cast(workspaces, "workspaces"),
        problems,
        label=str(path),
        meta={"private_workspaces": private.column("id").to_pylist() + conversations},
    )


def _cast(table: pa.Table, name: str) -> pa.Table:
    schema = SCHEMAS[name]
    if table.num_columns == 0:
        return schema.empty_table()
    return table.select(schema.names).cast(schema)
