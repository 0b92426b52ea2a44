"""Slack workspace export (a zip, or the folder it unpacks to) -> canonical interaction log.

Layout: ``users.json``, ``channels.json`` (public channels), and in exports that include them
``groups.json`` (private channels), ``dms.json`` (direct messages) and ``mpims.json`` (group
direct messages); one folder per conversation (named after the channel, or the DM's id) holding
one ``YYYY-MM-DD.json`` per day, each a JSON list of messages. Each day file is parsed on its
own, so memory follows the largest day, not the export.

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
* Mentions ``<@U123>`` or ``<@U123|name>``: one ``mention`` per person mentioned.
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
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from lumoflow.analytics.log import InteractionLog

from .common import (
    ExportError,
    ExportFiles,
    Problems,
    TableBuilder,
    fill_parent_authors,
    finish,
    is_zip,
    obj,
    text,
    tick,
    zip_names,
)

CONVERSATION_FILES = ("channels.json", "groups.json", "mpims.json", "dms.json")
_DAY = re.compile(r"^(?P<folder>.+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
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


class _Reader:
    def __init__(self, path: Path, progress: Any) -> None:
        self.files = ExportFiles(path, marker="users.json")
        self.progress = progress
        self.problems = Problems()
        self.events = TableBuilder("events")
        self.people = TableBuilder("people")
        self.workspaces = TableBuilder("workspaces")
        self.names: dict[str, str] = {}
        self.bots: set[str] = set()
        self.notes: list[str] = []
        self.private: list[str] = []

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

    def read(self) -> InteractionLog:
        self.read_users()
        days: dict[str, list[str]] = defaultdict(list)
        for member in self.files.members:
            m = _DAY.match(member)
            if m:
                days[m["folder"]].append(member)
        listed = set()
        for list_name, folder, conv, direct in self.conversations():
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
            for day in sorted(days.get(folder, [])):
                self.read_day(day, wid, members if direct else None)
        for folder in sorted(set(days) - listed):
            self.notes.append(f"folder {folder!r} is in no conversation list: read as a channel")
            self.workspaces.add(workspace=folder, name=folder)
            for day in sorted(days[folder]):
                self.read_day(day, folder, None)
        for bot in sorted(self.bots):
            self.people.add(actor=bot, name=bot, is_bot=True)
        events = fill_parent_authors(self.events.table())
        self.files.close()
        return finish(
            "slack",
            events,
            self.people.table(),
            self.workspaces.table(),
            self.problems,
            label=str(self.files.path),
            notes=self.notes,
            meta={"private_workspaces": self.private},
        )

    def author(self, msg: dict[str, Any], subtype: Any, is_bot: bool) -> str | None:
        """The actor of a message: its user (a file comment's commenter), else its bot."""
        user = msg.get("user")
        if subtype == "file_comment":
            user = obj(msg.get("comment")).get("user", user)
        if isinstance(user, str) and user:
            return self.actor(user)
        for key in ("bot_id", "username"):
            value = msg.get(key)
            if is_bot and isinstance(value, str) and value:
                self.bots.add(f"bot:{value}")
                return f"bot:{value}"
        return None

    def read_day(self, member: str, wid: str, members: list[str] | None) -> None:
        label = self.files.label(member)
        messages = _list(self.files.json(member), label)
        add = self.events.append
        for i, msg in enumerate(messages, 1):
            if not isinstance(msg, dict):
                self.problems.skip(label, None, f"message {i}: not an object")
                continue
            subtype = msg.get("subtype")
            subtype = subtype if isinstance(subtype, str) else ""
            if subtype in _NOTICES:
                continue
            ts_text = msg.get("ts")
            ts = _micros(ts_text)
            if ts is None:
                self.problems.skip(label, None, f"message {i}: no readable ts")
                continue
            is_bot = subtype == "bot_message" or bool(msg.get("bot_id"))
            actor = self.author(msg, subtype, is_bot)
            if actor is None:
                self.problems.skip(label, None, f"message {i} (ts {ts_text}): no author")
                continue
            oid = f"{wid}:{ts_text}"
            verb = _JOIN.get(subtype)
            if verb is not None:
                add((f"{oid}:{verb}", ts, actor, verb, wid, "", "", "", "", "", "", is_bot))
                continue
            body = text(msg.get("text"))
            thread = msg.get("thread_ts")
            if isinstance(thread, str) and thread and thread != ts_text:
                root = f"{wid}:{thread}"
                add((oid, ts, actor, "reply", wid, oid, root, root, "", "", body, is_bot))
            else:
                add((oid, ts, actor, "post", wid, oid, "", oid, "", "", body, is_bot))
            tick(self.progress, messages=1)
            self.around(msg, oid, ts, actor, wid, body, is_bot, members)
        tick(self.progress, files=1)

    def around(
        self,
        msg: dict[str, Any],
        oid: str,
        ts: int,
        actor: str,
        wid: str,
        body: str,
        is_bot: bool,
        members: list[str] | None,
    ) -> None:
        """The rows a message brings beside itself: direct-message recipients, mentions,
        reactions."""
        add = self.events.append
        for to in [self.actor(m) for m in members or ()]:
            if to != actor:
                add((f"{oid}:to:{to}", ts, actor, "message", wid, oid, "", oid, to, "", "", is_bot))
        if "<@" in body:
            for target in dict.fromkeys(_MENTION.findall(body)):
                to = self.actor(target)
                add((f"{oid}:@{to}", ts, actor, "mention", wid, oid, oid, oid, to, "", "", is_bot))
        reactions = msg.get("reactions")
        for r in reactions if isinstance(reactions, list) else ():
            users = obj(r).get("users")
            name = text(obj(r).get("name"))
            for who in users if isinstance(users, list) else ():
                if isinstance(who, str) and who:
                    by = self.actor(who)
                    rid = f"{oid}:{name}:{by}"
                    add((rid, ts, by, "reaction", wid, rid, oid, oid, actor, "", name, False))


def read(path: Path, *, progress: Any = None) -> InteractionLog:
    """Read a Slack export (zip or folder) into a checked log."""
    return _Reader(path, progress).read()
