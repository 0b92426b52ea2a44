"""The Slack day files read one message at a time in Python: the test oracle of the columnar
reader in :mod:`lumoflow.importers.slack`, which must give the same log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lumoflow.analytics.log import InteractionLog
from lumoflow.importers.common import TableBuilder, obj, text
from lumoflow.importers.slack import _JOIN, _NOTICES, DayFile, Export, _list, _micros

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class _Oracle:
    def __init__(self, path: Path) -> None:
        self.export = Export(path)
        self.events = TableBuilder("events")
        self.bots: list[str] = []

    def read(self) -> InteractionLog:
        for day in self.export.plan():
            members = self.export.members.get(day.conversation) if day.direct else None
            self.read_day(day, members)
        return self.export.finish(self.events.table(), self.bots)

    def author(self, msg: dict[str, Any], subtype: str, is_bot: bool) -> str | None:
        user = msg.get("user")
        if subtype == "file_comment":
            user = obj(msg.get("comment")).get("user", user)
        if isinstance(user, str) and user:
            return self.export.actor(user)
        for key in ("bot_id", "username"):
            value = msg.get(key)
            if is_bot and isinstance(value, str) and value:
                self.bots.append(f"bot:{value}")
                return f"bot:{value}"
        return None

    def read_day(self, day: DayFile, members: list[str] | None) -> None:
        files, problems, wid = self.export.files, self.export.problems, day.workspace
        label = files.label(day.member)
        add = self.events.append
        for i, msg in enumerate(_list(files.json(day.member), label), 1):
            if not isinstance(msg, dict):
                problems.skip(label, None, f"message {i}: not an object")
                continue
            subtype = msg.get("subtype")
            subtype = subtype if isinstance(subtype, str) else ""
            if subtype in _NOTICES:
                continue
            ts_text = msg.get("ts")
            ts = _micros(ts_text)
            if ts is None:
                problems.skip(label, None, f"message {i}: no readable ts")
                continue
            is_bot = subtype == "bot_message" or bool(msg.get("bot_id"))
            actor = self.author(msg, subtype, is_bot)
            if actor is None:
                problems.skip(label, None, f"message {i} (ts {ts_text}): no author")
                continue
            oid = f"{wid}:{ts_text}"
            verb = _JOIN.get(subtype)
            if verb is not None:
                add((f"{oid}:{verb}", ts, actor, verb, wid, "", "", "", "", "", "", is_bot))
                continue
            body = text(msg.get("text"))
            shown = _MENTION.sub(lambda m: "@" + self.export.actor(m[1]), body)
            thread = msg.get("thread_ts")
            if isinstance(thread, str) and thread and thread != ts_text:
                root = f"{wid}:{thread}"
                add((oid, ts, actor, "reply", wid, oid, root, root, "", "", shown, is_bot))
            else:
                add((oid, ts, actor, "post", wid, oid, "", oid, "", "", shown, is_bot))
            self.around(msg, oid, ts, actor, wid, body, is_bot, members)

    def around(self, msg: dict[str, Any], oid: str, ts: int, actor: str, wid: str, body: str,
               is_bot: bool, members: list[str] | None) -> None:  # fmt: skip
        add = self.events.append
        for to in members or ():
            if to != actor:
                add((f"{oid}:to:{to}", ts, actor, "message", wid, oid, "", oid, to, "", "",
                     is_bot))  # fmt: skip
        if "<@" in body:
            for target in dict.fromkeys(_MENTION.findall(body)):
                to = self.export.actor(target)
                add((f"{oid}:@{to}", ts, actor, "mention", wid, oid, oid, oid, to, "", "",
                     is_bot))  # fmt: skip
        reactions = msg.get("reactions")
        for r in reactions if isinstance(reactions, list) else ():
            users = obj(r).get("users")
            name = text(obj(r).get("name"))
            for who in users if isinstance(users, list) else ():
                if isinstance(who, str) and who:
                    by = self.export.actor(who)
                    rid = f"{oid}:{name}:{by}"
                    add((rid, ts, by, "reaction", wid, rid, oid, oid, actor, "", name, False))


def read(path: Path) -> InteractionLog:
    """Read a Slack export one message at a time (the oracle)."""
    return _Oracle(path).read()
