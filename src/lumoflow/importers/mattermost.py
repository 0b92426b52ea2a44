"""Mattermost bulk export (a ``.jsonl`` file, a zip, or a folder holding one) -> canonical log.

The export is one JSON object per line, each with a ``type``: ``version`` (first), ``team``,
``channel`` (``type`` ``O`` open, ``P`` private; ``purpose``, ``header``), ``user``, ``post``
(``team``, ``channel``, ``user``, ``message``, ``create_at`` in epoch milliseconds,
``reactions``, ``replies``), ``direct_channel``, ``direct_post`` (``channel_members``), and
others (``emoji``, ``scheme``) that hold no interactions. The file is read line by line, so
memory does not grow with its size.

Rules and quirks, each handled below:

* Workspaces are channels, named ``team/channel``. A post whose ``team`` does not own its
  ``channel`` (seen in real exports) goes to the channel of that name in the team that owns it.
* Posts have no ids in the export: a post is known by channel, author and time.
* System notices that older exports write as ordinary posts ("harry joined the channel.",
  "harry joined the team.", "ron added to the channel by harry.", "... left the channel.",
  "... removed from the channel.") are ``join``/``leave`` events of the person they name, not
  posts; so are posts with a ``system_join_*``/``system_leave_*``/``system_add_to_*``/
  ``system_remove_*`` type. Other ``system_*`` posts are not posts.
* ``reactions`` and ``replies`` may be ``null``. A reaction has its own time; a person reacting
  to their own post is kept (the analytics drop self-ties where they must).
* A reply timestamped before its post (seen in real exports) is placed at its post's time, so
  that waiting times are never negative.
* Mentions ``@username`` of a person the export lists become ``mention`` rows (``@channel``,
  ``@here`` and ``@all`` name nobody).
* Users with empty names are named by their username. Posts flagged ``from_bot`` or
  ``from_webhook`` in ``props`` are bots.
* Direct messages: each is a ``post`` in the conversation plus one ``message`` row per other
  member, the way an e-mail is.
* A line that is not JSON (a truncated last line) is an error naming the file and line; a
  record missing its author or time is skipped and listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lumoflow.analytics.log import InteractionLog

from .common import (
    ExportError,
    ExportFiles,
    Problems,
    TableBuilder,
    fill_parent_authors,
    finish,
    is_zip,
    json_lines,
    obj,
    text,
    tick,
    zip_names,
)

_NOTICE = re.compile(
    r"^@?(?P<who>[\w.\-]+) (?:(?P<join>joined the (?:channel|team))|(?P<leave>left the "
    r"(?:channel|team))|(?P<added>added to the (?:channel|team) by @?[\w.\-]+)|(?P<removed>"
    r"removed from the (?:channel|team)))\.?$"
)
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._\-]*[a-z0-9]|[a-z0-9])")
_EVERYONE = frozenset({"channel", "here", "all"})


def _members(path: Path) -> list[str]:
    if path.is_dir():
        return sorted(str(p.relative_to(path)) for p in path.rglob("*.jsonl"))
    return [n for n in zip_names(path) if n.endswith(".jsonl") and "__MACOSX" not in n]


def _first_line(stream: IO[bytes]) -> bytes:
    return stream.readline(4096).lstrip(b"\xef\xbb\xbf").replace(b" ", b"")


def detect(path: Path) -> bool:
    """A ``.jsonl`` file (or a zip or folder holding one) whose first line is the version."""
    try:
        if path.is_file() and not is_zip(path):
            with path.open("rb") as fh:
                return _first_line(fh).startswith(b'{"type":"version"')
        names = _members(path)
        if not names:
            return False
        files = ExportFiles(path)
        with files.open(names[0]) as fh:
            return _first_line(fh).startswith(b'{"type":"version"')
    except (OSError, ExportError):
        return False


class _Reader:
    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.problems = Problems()
        self.events = TableBuilder("events")
        self.people = TableBuilder("people")
        self.workspaces = TableBuilder("workspaces")
        self.users: set[str] = set()
        self.owner: dict[str, list[str]] = {}  # channel name -> teams holding one of that name
        self.private: list[str] = []
        self.notes: list[str] = []
        self.label = ""

    def workspace(self, team: str, channel: str, line: int) -> str:
        teams = self.owner.get(channel, [])
        if team in teams or not teams:
            return f"{team}/{channel}"
        if len(teams) == 1:
            note = f"posts of channel {channel!r} name team {team!r}: read as team {teams[0]!r}"
            if note not in self.notes:
                self.notes.append(note)
            return f"{teams[0]}/{channel}"
        return f"{team}/{channel}"

    def record(self, line: int, item: Any) -> None:
        if not isinstance(item, dict):
            self.problems.skip(self.label, line, "not a JSON object")
            return
        kind = item.get("type")
        body = item.get(kind) if isinstance(kind, str) else None
        if not isinstance(body, dict):
            if kind in ("team", "channel", "user", "post", "direct_channel", "direct_post"):
                self.problems.skip(self.label, line, f"{kind} without its {kind!r} object")
            return
        if kind == "channel":
            self.channel(body)
        elif kind == "direct_channel":
            members = sorted(m for m in body.get("members") or [] if isinstance(m, str))
            wid = "dm/" + "+".join(members)
            self.workspaces.add(
                workspace=wid, name=", ".join(members), purpose=text(body.get("header"))
            )
            self.private.append(wid)
        elif kind == "user":
            self.user(body, line)
        elif kind == "post":
            team, channel = text(body.get("team")), text(body.get("channel"))
            self.post(body, self.workspace(team, channel, line), line, [])
        elif kind == "direct_post":
            members = sorted(m for m in body.get("channel_members") or [] if isinstance(m, str))
            self.post(body, "dm/" + "+".join(members), line, members)

    def channel(self, body: dict[str, Any]) -> None:
        team, name = text(body.get("team")), text(body.get("name"))
        if not name:
            return
        self.owner.setdefault(name, []).append(team)
        wid = f"{team}/{name}"
        self.workspaces.add(
            workspace=wid,
            name=text(body.get("display_name")) or name,
            purpose=text(body.get("purpose")) or text(body.get("header")),
        )
        if body.get("type") == "P":
            self.private.append(wid)

    def user(self, body: dict[str, Any], line: int) -> None:
        username = text(body.get("username"))
        if not username:
            self.problems.skip(self.label, line, "user without a username")
            return
        self.users.add(username)
        full = " ".join(p for p in (text(body.get("first_name")), text(body.get("last_name"))) if p)
        self.people.add(
            actor=username,
            name=full or text(body.get("nickname")) or username,
            department=text(body.get("position")),
            is_bot=bool(body.get("is_bot")),
        )

    def post(self, body: dict[str, Any], wid: str, line: int, members: list[str]) -> None:
        user, at = body.get("user"), body.get("create_at")
        if not isinstance(user, str) or not user or not isinstance(at, int) or isinstance(at, bool):
            self.problems.skip(self.label, line, "post without a user or a create_at time")
            return
        props = obj(body.get("props"))
        is_bot = any(str(props.get(k, "")).lower() == "true" for k in ("from_bot", "from_webhook"))
        oid = f"{wid}:{user}:{at}"
        add = self.events.append
        if not self.notice(body, oid, at, user, wid, is_bot):
            message = text(body.get("message"))
            add((oid, at * 1000, user, "post", wid, oid, "", oid, "", "", message, is_bot))
            tick(self.progress, messages=1)
            self.around(body, oid, at, user, wid, message, is_bot, oid, members)
        replies = body.get("replies")
        for reply in replies if isinstance(replies, list) else ():
            ruser, rat = obj(reply).get("user"), obj(reply).get("create_at")
            if not isinstance(ruser, str) or not ruser or not isinstance(rat, int):
                self.problems.skip(self.label, line, "reply without a user or a create_at time")
                continue
            rat = max(rat, at)  # a reply timestamped before its post
            rid = f"{wid}:{ruser}:{rat}:re"
            rmsg = text(reply.get("message"))
            # the person answered is the post's author, even when the post was a notice
            add((rid, rat * 1000, ruser, "reply", wid, rid, oid, oid, user, "", rmsg, is_bot))
            tick(self.progress, messages=1)
            self.around(reply, rid, rat, ruser, wid, rmsg, is_bot, oid, members)

    def notice(
        self, body: dict[str, Any], oid: str, at: int, user: str, wid: str, is_bot: bool
    ) -> bool:
        """A join or leave notice written as a post: its event; True when it was one."""
        kind = text(body.get("type"))
        props = obj(body.get("props"))
        verb, who = None, user
        if kind.startswith("system_"):
            if kind.startswith(("system_join", "system_add_to")):
                verb = "join"
                who = text(props.get("addedUsername")) or user
            elif kind.startswith(("system_leave", "system_remove")):
                verb = "leave"
                who = text(props.get("removedUsername")) or user
            else:
                return True  # header changes, purges and the like: not posts
        else:
            m = _NOTICE.match(text(body.get("message")).strip())
            if m is None or m["who"] not in self.users | {user}:
                return False
            verb = "join" if m["join"] or m["added"] else "leave"
            who = m["who"]
        self.events.append(
            (f"{oid}:{verb}:{who}", at * 1000, who, verb, wid, "", "", "", "", "", "", is_bot)
        )
        return True

    def around(
        self,
        body: dict[str, Any],
        oid: str,
        at: int,
        user: str,
        wid: str,
        message: str,
        is_bot: bool,
        thread: str,
        members: list[str],
    ) -> None:
        """Direct-message recipients, mentions and reactions of one post or reply."""
        add = self.events.append
        for to in members:
            if to != user:
                add(
                    (
                        f"{oid}:to:{to}",
                        at * 1000,
                        user,
                        "message",
                        wid,
                        oid,
                        "",
                        thread,
                        to,
                        "",
                        "",
                        is_bot,
                    )
                )
        if "@" in message:
            for name in dict.fromkeys(_MENTION.findall(message.lower())):
                if name in self.users and name not in _EVERYONE:
                    add(
                        (
                            f"{oid}:@{name}",
                            at * 1000,
                            user,
                            "mention",
                            wid,
                            oid,
                            oid,
                            thread,
                            name,
                            "",
                            "",
                            is_bot,
                        )
                    )
        reactions = body.get("reactions")
        for r in reactions if isinstance(reactions, list) else ():
            if not isinstance(r, dict) or not isinstance(r.get("user"), str) or not r["user"]:
                continue
            when = r.get("create_at")
            when = when if isinstance(when, int) and not isinstance(when, bool) else at
            emoji = text(r.get("emoji_name"))
            rid = f"{oid}:{emoji}:{r['user']}"
            add(
                (
                    rid,
                    max(when, at) * 1000,
                    r["user"],
                    "reaction",
                    wid,
                    rid,
                    oid,
                    thread,
                    user,
                    "",
                    emoji,
                    False,
                )
            )

    def lines(self, stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
        it = json_lines(stream, self.label)
        first = next(it, None)
        if first is None:
            raise ExportError("empty file: no version line", file=self.label, line=1)
        number, head = first
        if not isinstance(head, dict) or head.get("type") != "version":
            raise ExportError(
                "the first line is not a version record: not a Mattermost bulk export",
                file=self.label,
                line=number,
            )
        yield from it


def _streams(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(label, stream) of each JSONL file of the export, opened one at a time."""
    if path.is_file() and not is_zip(path):
        yield str(path), path.open("rb")
        return
    names = _members(path)
    if not names:
        raise ExportError("no .jsonl file: not a Mattermost bulk export", file=str(path))
    files = ExportFiles(path)
    for name in names:
        yield files.label(name), files.open(name)


def read(path: Path, *, progress: Any = None) -> InteractionLog:
    """Read a Mattermost bulk export (``.jsonl``, zip or folder) into a checked log."""
    reader = _Reader(progress)
    for label, stream in _streams(path):
        reader.label = label
        with stream:
            for line, item in reader.lines(stream):
                reader.record(line, item)
        tick(progress, files=1)
    return finish(
        "mattermost",
        fill_parent_authors(reader.events.table()),
        reader.people.table(),
        reader.workspaces.table(),
        reader.problems,
        label=str(path),
        notes=reader.notes,
        meta={"private_workspaces": reader.private},
    )
