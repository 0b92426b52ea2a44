"""Slack workspace export (a zip, or the folder it unpacks to) -> canonical interaction log.

Layout: ``users.json``, ``channels.json`` (public channels), and in exports that include them
``groups.json`` (private channels), ``dms.json`` (direct messages) and ``mpims.json`` (group
direct messages); one folder per conversation (named after the channel, or the DM's id) holding
one ``YYYY-MM-DD.json`` per day, each a JSON list of messages.

The user and conversation lists are read in Python (one record per person or conversation);
the day files, where the messages are, are converted in DuckDB (``read_json``) in batches of
files (``BATCH_BYTES``), with no Python loop per message: memory follows one batch and the
Arrow tables of the log, not the export's JSON.

Rules and quirks, each handled below:

* People are known by their username (``name``); a user id the export does not list stays an
  id. ``users.json`` is required; a conversation list may be missing (only public channels
  exported: no ``groups.json``, ``dms.json``, ``mpims.json``).
* ``ts`` is a string of seconds with microseconds (``"1452837318.000002"``); it is the
  message's id within its channel. ``created`` in the conversation lists may be a string.
* Thread replies carry ``thread_ts`` (the root's ``ts``) different from their own ``ts``: a
  ``reply`` whose parent and thread are the root; the root is a ``post``.
* Reactions (``[{"name", "users", "count"}]``): one ``reaction`` per user, at the message's time
  (the export does not say when people reacted).
* Mentions ``<@U123>`` or ``<@U123|name>``: one ``mention`` per person mentioned; in the text
  each is written ``@username`` (the person's actor), as Slack shows it and as the platform
  writes a mention.
* Bots: ``bot_message`` and any message with ``bot_id`` get ``is_bot`` true (excluded from
  people metrics); the actor is the posting user when given, else ``bot:<bot_id>``;
  ``bot_add``/``bot_remove`` notices are never posts.
* ``channel_join``/``group_join`` are ``join`` events, ``channel_leave``/``group_leave``
  ``leave`` events; other notices (topic, purpose, name, archive, pins) are not posts.
* File shares (``file_share``) are posts; a file comment (``file_comment``, older exports) is a
  post by the comment's author (``comment.user``).
* Direct and group direct messages: each message is a ``post`` in the conversation plus one
  ``message`` row per other member, the way an e-mail is.
* A channel's purpose (else its topic) becomes the workspace purpose.
* Unusable records (a message that is not an object, without ``ts``, or without an author) are
  skipped and listed; a file that is not JSON is an error naming the file and line.
* Text that is not a string (a number, a list) is kept as its JSON text; lone UTF-16
  surrogates (``"\\ud800"``, from a broken encoding) become U+FFFD.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.log import SCHEMAS, TS_TYPE, InteractionLog

from .common import (
    ExportError,
    ExportFiles,
    Problems,
    TableBuilder,
    clean_text,
    fill_parent_authors,
    finish,
    is_zip,
    load_json,
    obj,
    text,
    tick,
    zip_names,
)

CONVERSATION_FILES = ("channels.json", "groups.json", "mpims.json", "dms.json")
#: Day files converted together by one DuckDB query (bytes of JSON, and files at most).
BATCH_BYTES = 64 * 1024 * 1024
BATCH_FILES = 2000
#: Day files smaller than this are parsed in Python first: DuckDB reads an empty or blank file
#: as an empty list, where it is not JSON at all.
_TINY = 64
_DAY = re.compile(r"^(?P<folder>.+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_JOIN = {
    "channel_join": "join",
    "group_join": "join",
    "channel_leave": "leave",
    "group_leave": "leave",
}
#: Notices about the conversation itself: not posts, not events of the log.
_NOTICES = frozenset(
    {
        "bot_add",
        "bot_remove",
        "bot_enable",
        "bot_disable",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "group_topic",
        "group_purpose",
        "group_name",
        "group_archive",
        "group_unarchive",
        "pinned_item",
        "unpinned_item",
        "reminder_add",
        "sh_room_created",
    }
)


def detect(path: Path) -> bool:
    """A folder or zip holding ``users.json`` beside a conversation list."""
    if path.is_dir():
        return (path / "users.json").is_file() and any(
            (path / n).is_file() for n in CONVERSATION_FILES
        )
    if is_zip(path):
        names = {n.rsplit("/", 1)[-1] for n in zip_names(path)}
        return "users.json" in names and bool(names & set(CONVERSATION_FILES))
    return False


def _micros(ts: Any) -> int | None:
    """Slack's ``"1452837318.000002"`` (or a number) to microseconds; None when unreadable."""
    if isinstance(ts, bool):
        return None
    if isinstance(ts, int | float):
        return int(round(ts * 1_000_000))
    if not isinstance(ts, str):
        return None
    whole, _, frac = ts.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    return int(whole) * 1_000_000 + int((frac + "000000")[:6])


def _list(value: Any, label: str) -> list[Any]:
    if not isinstance(value, list):
        raise ExportError("expected a JSON list", file=label, line=1)
    return value


@dataclass(frozen=True)
class DayFile:
    """One day file to read: its member name, its conversation (workspace id, and the people
    of a direct conversation, who each get a ``message`` row), and its place in the export."""

    member: str
    workspace: str
    conversation: int
    direct: bool


class Export:
    """The lists of a Slack export (people, conversations) and the day files to read, in the
    order they are read: each listed conversation's days by date, then folders no list names.

    ``finish(events)`` turns the events of the day files into the checked log.
    """

    def __init__(self, path: Path) -> None:
        self.files = ExportFiles(path, marker="users.json")
        self.problems = Problems()
        self.people = TableBuilder("people")
        self.workspaces = TableBuilder("workspaces")
        self.names: dict[str, str] = {}
        self.notes: list[str] = []
        self.private: list[str] = []
        #: The members of each direct conversation (by its number), as actors.
        self.members: dict[int, list[str]] = {}

    def actor(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def read_users(self) -> None:
        if "users.json" not in self.files:
            raise ExportError("no users.json: not a Slack export", file=str(self.files.path))
        label = self.files.label("users.json")
        for i, user in enumerate(_list(self.files.json("users.json"), label), 1):
            if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
                self.problems.skip(label, None, f"user {i}: no id")
                continue
            name = user.get("name") if isinstance(user.get("name"), str) else ""
            self.names[user["id"]] = name or user["id"]
            profile = obj(user.get("profile"))
            bot = bool(user.get("is_bot")) or user["id"] == "USLACKBOT"
            self.people.add(
                actor=self.names[user["id"]],
                name=text(user.get("real_name") or profile.get("real_name")),
                location="",
                is_bot=bot,
                time_zone=text(user.get("tz")),
            )

    def conversations(self) -> list[tuple[str, str, dict[str, Any], bool]]:
        """(list file, folder, record, direct) of every conversation listed."""
        found = []
        for list_name in CONVERSATION_FILES:
            if list_name not in self.files:
                continue
            label = self.files.label(list_name)
            for i, conv in enumerate(_list(self.files.json(list_name), label), 1):
                if not isinstance(conv, dict) or not isinstance(conv.get("id"), str):
                    self.problems.skip(label, None, f"conversation {i}: no id")
                    continue
                direct = list_name == "dms.json"
                folder = conv["id"] if direct else text(conv.get("name")) or conv["id"]
                found.append((list_name, folder, conv, direct or list_name == "mpims.json"))
        return found

    def plan(self) -> list[DayFile]:
        """Read the lists (people, workspaces) and return the day files in reading order."""
        self.read_users()
        days: dict[str, list[str]] = defaultdict(list)
        for member in self.files.members:
            m = _DAY.match(member)
            if m:
                days[m["folder"]].append(member)
        listed = set()
        plan: list[DayFile] = []
        for number, (list_name, folder, conv, direct) in enumerate(self.conversations()):
            listed.add(folder)
            wid = conv["id"]
            if list_name != "channels.json":
                self.private.append(wid)
            purpose, topic = obj(conv.get("purpose")), obj(conv.get("topic"))
            members = [m for m in conv.get("members") or [] if isinstance(m, str)]
            created = _micros(conv.get("created"))
            self.workspaces.add(
                workspace=wid,
                name=folder if not direct else ", ".join(self.actor(m) for m in members),
                purpose=text(purpose.get("value")) or text(topic.get("value")),
                created_at=created if created else None,
            )
            if direct:
                self.members[number] = [self.actor(m) for m in members]
            plan += [DayFile(d, wid, number, direct) for d in sorted(days.get(folder, []))]
        for number, folder in enumerate(sorted(set(days) - listed), len(listed) + len(plan)):
            self.notes.append(f"folder {folder!r} is in no conversation list: read as a channel")
            self.workspaces.add(workspace=folder, name=folder)
            plan += [DayFile(d, folder, -1 - number, False) for d in sorted(days[folder])]
        return plan

    def finish(self, events: pa.Table, bots: list[str]) -> InteractionLog:
        """The checked log: ``events`` with the parents' authors filled in, and the people
        (``bots``, the integrations that posted without a user, added as bot people)."""
        for bot in sorted(set(bots)):
            self.people.add(actor=bot, name=bot, is_bot=True)
        self.files.close()
        return finish(
            "slack",
            fill_parent_authors(events),
            self.people.table(),
            self.workspaces.table(),
            self.problems,
            label=str(self.files.path),
            notes=self.notes,
            meta={"private_workspaces": self.private},
        )


# The fields of a message the log uses, as JSON values (NULL when absent).
_FIELDS = ("ts", "user", "text", "subtype", "thread_ts", "bot_id", "username", "reactions")
_PATHS = "[" + ", ".join(f"'$.{f}'" for f in _FIELDS) + ", '$.comment.user']"
_NUMBER = "('BIGINT', 'UBIGINT', 'DOUBLE')"


def _str(j: str) -> str:
    """SQL: a JSON value that is a non-empty string, as text; else NULL."""
    return (
        f"CASE WHEN json_type({j}) = 'VARCHAR' THEN NULLIF(json_extract_string({j}, '$'), '') END"
    )


def _text(j: str) -> str:
    """SQL: a JSON value as text, the way ``common.text`` writes it (NULL is empty)."""
    return (
        f"CASE WHEN {j} IS NULL OR json_type({j}) = 'NULL' THEN '' "
        f"WHEN json_type({j}) = 'VARCHAR' THEN json_extract_string({j}, '$') "
        f"ELSE {j}::VARCHAR END"
    )


def _truthy(j: str) -> str:
    """SQL: Python's ``bool()`` of a JSON value."""
    return (
        f"COALESCE(CASE json_type({j}) WHEN 'VARCHAR' THEN json_extract_string({j}, '$') <> '' "
        f"WHEN 'BOOLEAN' THEN {j}::VARCHAR = 'true' "
        f"WHEN 'ARRAY' THEN json_array_length({j}) > 0 "
        f"WHEN 'OBJECT' THEN len(json_keys({j})) > 0 "
        f"WHEN 'NULL' THEN false ELSE {j}::DOUBLE <> 0 END, false)"
    )


# Stage 1, one row per array element of the day files, in file order: each message's own
# fields. Kept a plain projection of the scan, so that DuckDB keeps the files' order (the
# element's place in its file is counted from that order afterwards).
_MESSAGES_SQL = f"""
WITH r AS (
  SELECT filename, json_type(json) AS jt, json_extract(json, {_PATHS}) AS v
  FROM read_json($files, format = 'array', records = false, columns = {{json: 'JSON'}},
                 filename = true, maximum_object_size = 1073741824)
), s AS (
  SELECT filename, jt, v[1] AS ts_j, json_type(v[1]) AS ts_t,
    CASE WHEN json_type(v[1]) = 'VARCHAR' THEN json_extract_string(v[1], '$') END AS ts_s,
    COALESCE({_str("v[4]")}, '') AS subtype, v[2] AS user_j, v[9] AS comment_user_j,
    {_text("v[3]")} AS body, {_str("v[5]")} AS thread_s, v[6] AS bot_j, v[7] AS username_j,
    CASE WHEN json_type(v[8]) = 'ARRAY' THEN v[8] END AS reactions_j
  FROM r
), t AS (
  SELECT *, subtype = 'bot_message' OR {_truthy("bot_j")} AS is_bot,
    {
    _str(
        "CASE WHEN subtype = 'file_comment' AND comment_user_j IS NOT NULL "
        "THEN comment_user_j ELSE user_j END"
    )
} AS user_s
  FROM s
)
SELECT filename, COALESCE(jt, 'NULL') AS jt, subtype, user_s, body, thread_s, reactions_j,
  ts_t = 'VARCHAR' AS ts_is_text, is_bot,
  CASE WHEN ts_t = 'VARCHAR' THEN ts_s WHEN ts_t IN {_NUMBER} THEN ts_j::VARCHAR END
    AS ts_text,
  CASE WHEN regexp_full_match(ts_s, '[0-9]+(\\.[0-9]*)?') THEN
         TRY_CAST(TRY_CAST(split_part(ts_s, '.', 1) AS HUGEINT) * 1000000
                  + CAST(left(split_part(ts_s, '.', 2) || '000000', 6) AS BIGINT) AS BIGINT)
       WHEN ts_t IN {_NUMBER} THEN TRY_CAST(round(ts_j::DOUBLE * 1000000) AS BIGINT) END
    AS ts_us,
  CASE WHEN is_bot THEN COALESCE({_str("bot_j")}, {_str("username_j")}) END AS bot_s
FROM t
"""

_NOTICE_LIST = "(" + ", ".join(f"'{n}'" for n in sorted(_NOTICES)) + ")"
_JOIN_CASE = "CASE subtype " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _JOIN.items()) + " END"

# Stage 2: the rows of the log. ``msgs`` holds stage 1 with ``seq`` (the file's place in the
# reading order) and ``i`` (the message's place in its file, from 1); ``files`` each file's
# workspace and conversation; ``users`` user id -> actor; ``members`` the people of each
# direct conversation. Rows come out in the order a reader of the files one message at a time
# writes them: per message its own row, then its recipients, mentions and reactions.
_CHECKED_SQL = f"""
CREATE OR REPLACE TEMP TABLE m AS
SELECT msgs.*, files.workspace AS wid, files.conversation AS conv,
  files.workspace || ':' || ts_text AS oid,
  CASE WHEN user_s IS NOT NULL THEN COALESCE(u.actor, user_s)
       WHEN bot_s IS NOT NULL THEN 'bot:' || bot_s END AS actor,
  CASE WHEN jt <> 'OBJECT' THEN 'not an object'
       WHEN subtype IN {_NOTICE_LIST} THEN NULL
       WHEN ts_us IS NULL THEN 'no readable ts'
       WHEN user_s IS NULL AND bot_s IS NULL THEN 'no author' END AS problem,
  jt = 'OBJECT' AND subtype NOT IN {_NOTICE_LIST} AND ts_us IS NOT NULL
    AND (user_s IS NOT NULL OR bot_s IS NOT NULL) AS ok,
  {_JOIN_CASE} AS join_verb
FROM msgs JOIN files USING (seq) LEFT JOIN users u ON u.id = msgs.user_s
"""

_MENTION = "'<@([UW][A-Z0-9]+)(?:\\|[^>]*)?>'"
_EVENTS_SQL = f"""
WITH said0 AS (SELECT * FROM m WHERE ok AND join_verb IS NULL),
named AS (
  SELECT s.seq, s.i,
    string_agg(CASE WHEN x.k = 1 THEN x.piece
                    ELSE '@' || COALESCE(u.actor, s.ids[x.k - 1]) || x.piece END,
               '' ORDER BY x.k) AS shown
  FROM (SELECT seq, i, regexp_split_to_array(body, {_MENTION}) AS pieces,
          regexp_extract_all(body, {_MENTION}, 1) AS ids
        FROM said0 WHERE contains(body, '<@')) s,
    unnest(s.pieces) WITH ORDINALITY AS x(piece, k)
    LEFT JOIN users u ON u.id = s.ids[x.k - 1]
  GROUP BY s.seq, s.i
),
said AS (SELECT said0.*, COALESCE(named.shown, said0.body) AS shown
         FROM said0 LEFT JOIN named USING (seq, i)),
reactions AS (
  SELECT said.*, r.k AS rk, w.k AS wk, json_extract_string(w.j, '$') AS who,
    CASE WHEN json_type(json_extract(r.j, '$.name')) = 'VARCHAR'
         THEN json_extract_string(r.j, '$.name')
         WHEN json_extract(r.j, '$.name') IS NULL
           OR json_type(json_extract(r.j, '$.name')) = 'NULL' THEN ''
         ELSE json_extract(r.j, '$.name')::VARCHAR END AS name
  FROM said,
    unnest(json_extract(said.reactions_j, '$[*]')) WITH ORDINALITY AS r(j, k),
    unnest(CASE WHEN json_type(json_extract(r.j, '$.users')) = 'ARRAY'
                THEN json_extract(r.j, '$.users[*]') END) WITH ORDINALITY AS w(j, k)
  WHERE said.reactions_j IS NOT NULL AND json_type(w.j) = 'VARCHAR'
    AND json_extract_string(w.j, '$') <> ''
),
mentions AS (
  SELECT said.*, x.id AS who, x.k
  FROM said,
    unnest(regexp_extract_all(said.body, {_MENTION}, 1))
      WITH ORDINALITY AS x(id, k)
  WHERE contains(said.body, '<@')
),
rows AS (
  SELECT seq, i, 0 AS part, 0 AS k1, 0 AS k2, oid || ':' || join_verb AS event_id, ts_us,
    actor, join_verb AS verb, wid AS workspace, '' AS object_id, '' AS parent_id,
    '' AS thread_id, '' AS target_actor, '' AS text, is_bot
  FROM m WHERE ok AND join_verb IS NOT NULL
  UNION ALL
  SELECT seq, i, 0, 0, 0, oid, ts_us, actor, CASE WHEN reply THEN 'reply' ELSE 'post' END,
    wid, oid, CASE WHEN reply THEN wid || ':' || thread_s ELSE '' END,
    CASE WHEN reply THEN wid || ':' || thread_s ELSE oid END, '', shown, is_bot
  FROM (SELECT *, thread_s IS NOT NULL AND NOT (ts_is_text AND thread_s = ts_text) AS reply
        FROM said)
  UNION ALL
  SELECT seq, i, 1, d.pos, 0, oid || ':to:' || d.actor, ts_us, said.actor, 'message', wid,
    oid, '', oid, d.actor, '', is_bot
  FROM said JOIN members d ON d.conv = said.conv
  WHERE d.actor <> said.actor
  UNION ALL
  SELECT seq, i, 2, k, 0, oid || ':@' || COALESCE(u.actor, who), ts_us, x.actor, 'mention',
    wid, oid, oid, oid, COALESCE(u.actor, who), '', is_bot
  FROM mentions x LEFT JOIN users u ON u.id = x.who
  UNION ALL
  SELECT seq, i, 3, rk, wk, rid, ts_us, reactor, 'reaction', wid, rid, oid, oid, y.actor, name,
    false
  FROM (SELECT y.*, COALESCE(u.actor, y.who) AS reactor,
          y.oid || ':' || y.name || ':' || COALESCE(u.actor, y.who) AS rid
        FROM reactions y LEFT JOIN users u ON u.id = y.who) y
)
SELECT event_id, ts_us, actor, verb, workspace, object_id, parent_id, thread_id,
  target_actor, '' AS kind, text, is_bot
FROM rows ORDER BY seq, i, part, k1, k2
"""

#: The people of the log: the integrations that posted without a user, by their bot id.
_BOTS_SQL = "SELECT DISTINCT actor FROM m WHERE ok AND user_s IS NULL"
_PROBLEMS_SQL = "SELECT seq, i, problem, ts_text FROM m WHERE problem IS NOT NULL ORDER BY seq, i"


def _batches(plan: list[DayFile], files: ExportFiles) -> Iterator[tuple[int, list[DayFile]]]:
    """(first place, day files) in reading order, each batch at most ``BATCH_BYTES`` of JSON
    (one bigger file is a batch of its own) and ``BATCH_FILES`` files, no member twice."""
    start, batch, size = 0, list[DayFile](), 0
    seen: set[str] = set()
    for k, day in enumerate(plan):
        n = files.size(day.member)
        if batch and (size + n > BATCH_BYTES or len(batch) >= BATCH_FILES or day.member in seen):
            yield start, batch
            start, batch, size, seen = k, [], 0, set()
        batch.append(day)
        seen.add(day.member)
        size += n
    if batch:
        yield start, batch


class _Columnar:
    """The day files of an export converted by DuckDB, one batch of files per query."""

    def __init__(self, export: Export, progress: Any) -> None:
        self.export = export
        self.files = export.files
        self.progress = progress
        self.con = duckdb.connect(config={"threads": 2})
        self.con.execute("SET enable_progress_bar = false")
        users = pa.table(
            {
                "id": pa.array(list(export.names), pa.string()),
                "actor": pa.array(list(export.names.values()), pa.string()),
            }
        )
        members = [(c, k, a) for c, people in export.members.items() for k, a in enumerate(people)]
        self.con.register("users", users)
        self.con.register(
            "members",
            pa.table(
                {
                    "conv": pa.array([c for c, _, _ in members], pa.int64()),
                    "pos": pa.array([k for _, k, _ in members], pa.int64()),
                    "actor": pa.array([a for _, _, a in members], pa.string()),
                }
            ),
        )
        self.scratch = Path(tempfile.mkdtemp(prefix="lumoflow-slack-"))

    def read(self, plan: list[DayFile]) -> tuple[list[pa.Table], list[str]]:
        """The events of every day file, one table per batch, and the bots that posted."""
        parts: list[pa.Table] = []
        bots: list[str] = []
        try:
            for start, batch in _batches(plan, self.files):
                parts.append(self.read_batch(start, batch))
                bots += [b for (b,) in self.con.sql(_BOTS_SQL).fetchall()]
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.con.close()
        return parts, bots

    def read_batch(self, start: int, batch: list[DayFile]) -> pa.Table:
        paths = self.paths(batch)
        for day, path in zip(batch, paths, strict=True):
            if self.files.size(day.member) < _TINY:
                self.checked(day, Path(path).read_bytes())
        try:
            msgs = self.con.sql(_MESSAGES_SQL, params={"files": paths}).to_arrow_table()
        except duckdb.Error:
            paths = self.rewritten(batch)
            try:
                msgs = self.con.sql(_MESSAGES_SQL, params={"files": paths}).to_arrow_table()
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                label = self.files.label(batch[0].member)
                raise ExportError(f"cannot read ({reason})", file=label) from None
        where = pc.index_in(msgs["filename"], value_set=pa.array(paths, pa.string()))
        place = np.asarray(where.to_numpy(zero_copy_only=False), dtype=np.int64)
        if place.size and np.any(place[1:] < place[:-1]):  # files' order not kept: regroup
            order = np.argsort(place, kind="stable")
            place = place[order]
            msgs = msgs.take(pa.array(order))
        first = np.searchsorted(place, place, side="left")
        msgs = msgs.drop_columns(["filename"])
        msgs = msgs.append_column("seq", pa.array(place + start))
        msgs = msgs.append_column("i", pa.array(np.arange(len(place)) - first + 1))
        self.con.register("msgs", msgs)
        self.con.register(
            "files",
            pa.table(
                {
                    "seq": pa.array(range(start, start + len(batch)), pa.int64()),
                    "workspace": pa.array([d.workspace for d in batch], pa.string()),
                    "conversation": pa.array(
                        [d.conversation if d.direct else None for d in batch], pa.int64()
                    ),
                }
            ),
        )
        self.con.execute(_CHECKED_SQL)
        self.con.unregister("msgs")
        for seq, i, problem, ts_text in self.con.sql(_PROBLEMS_SQL).fetchall():
            label = self.files.label(batch[seq - start].member)
            where_ = f"message {i}" + (f" (ts {ts_text})" if problem == "no author" else "")
            self.export.problems.skip(label, None, f"{where_}: {problem}")
        events = self.con.sql(_EVENTS_SQL).to_arrow_table()
        said = pc.sum(pc.is_in(events["verb"], pa.array(["post", "reply"]))).as_py() or 0
        tick(self.progress, messages=said, files=len(batch))
        return _events(events)

    def paths(self, batch: list[DayFile]) -> list[str]:
        """Files DuckDB can open: the export's own, or copies of a zip's members."""
        if self.files.zip is None:
            return [str(self.files.path / d.member) for d in batch]
        for old in self.scratch.iterdir():
            old.unlink()
        out = []
        for k, day in enumerate(batch):
            target = self.scratch / f"{k}.json"
            with self.files.open(day.member) as src, target.open("wb") as dst:
                try:
                    shutil.copyfileobj(src, dst, 1 << 20)
                except (OSError, ValueError, EOFError) as exc:
                    label = self.files.label(day.member)
                    raise ExportError(f"cannot read ({exc})", file=label) from None
            out.append(str(target))
        return out

    def checked(self, day: DayFile, data: bytes) -> Any:
        """A day file parsed in Python: an ``ExportError`` naming its line when it is not a
        JSON list."""
        label = self.files.label(day.member)
        return _list(load_json(data, label), label)

    def rewritten(self, batch: list[DayFile]) -> list[str]:
        """A batch DuckDB could not read: the file at fault named (line where possible), or,
        when Python's parser reads every file (JSON DuckDB refuses, such as lone surrogates),
        copies of them as plain JSON. NaN and Infinity, which Python's parser allows, are not
        JSON: an error naming the file."""
        out = []
        for k, day in enumerate(batch):
            label = self.files.label(day.member)
            value = self.checked(day, self.files.read(day.member))
            try:
                plain = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except ValueError:
                raise ExportError(
                    "not JSON: NaN or Infinity is not a JSON value", file=label
                ) from None
            target = self.scratch / f"plain-{k}.json"
            target.write_text(clean_text(plain), encoding="utf-8")
            out.append(str(target))
        return out


def _events(table: pa.Table) -> pa.Table:
    """Rows of ``_EVENTS_SQL`` as the canonical events table (time from microseconds)."""
    schema = SCHEMAS["events"]
    ts = table["ts_us"].cast(pa.int64()).cast(TS_TYPE)
    table = table.set_column(table.schema.get_field_index("ts_us"), "ts", ts)
    return table.select(schema.names).cast(schema)


def read(path: Path, *, progress: Any = None) -> InteractionLog:
    """Read a Slack export (zip or folder) into a checked log."""
    export = Export(path)
    plan = export.plan()
    parts, bots = _Columnar(export, progress).read(plan)
    events = pa.concat_tables(parts) if parts else SCHEMAS["events"].empty_table()
    return export.finish(events, bots)
