"""Load a converted export into the platform (``lumoflow import ... --into-platform``).

Everything goes through the actions' bulk paths (workspaces, people, memberships, posts,
reactions), in one transaction: a failure writes nothing. Every object made is marked with its
origin (source, original id: `core.actions.mark_origins`), so a second run of the same export
adds nothing and a later export only what is new.

What is loaded, and how:

* Workspaces: one per channel or group (or the workspace ``--workspace-map`` names). A source
  with a purpose or topic gives it; otherwise the purpose is the placeholder "Imported from
  Slack #channel — purpose not yet stated" and the workspace is flagged so that its owners are
  asked to state one. Private channels, groups and direct messages become private workspaces.
  The administrator running the import is their first owner.
* People: matched to existing accounts by e-mail address, else by username; the others are
  created (no password: they sign in once an administrator sets one up, or through SSO).
* Memberships: everyone who posted, replied, reacted or joined in a workspace is a member from
  their first act there.
* Posts and replies, backdated to their time; a reply whose parent is not in the export becomes
  a post. Empty messages (a file shared without a word) read "(no text)".
* Reactions: Slack and Mattermost emoji names are mapped to the platform's six reactions
  (``+1``/``thumbsup`` 👍, ``heart`` ❤️, ``tada`` 🎉, ``bulb`` 💡, ``white_check_mark`` ✅,
  ``eyes`` 👀; any other 👍).
* Mentions: the platform derives mentions from the text (``@username``), so a mentioned
  person is loaded like the others, and ``@name`` in the text (Slack's ``<@U123>`` is written
  so by its reader) is rewritten to the username of the person loaded when the two differ.
* Not loaded: bot messages (the platform has no bot accounts), direct-message recipients,
  leaves and deletions.

Django is imported here only: the parsers stay pure.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction

from lumoflow.analytics.log import InteractionLog, LogError, check_utf8
from lumoflow.conversation.actions import (
    PostRow,
    ReactionRow,
    bulk_add_reactions,
    bulk_create_posts,
)
from lumoflow.core import limits
from lumoflow.core.actions import mark_origins
from lumoflow.core.errors import LumoFlowError
from lumoflow.core.queries import known_origins
from lumoflow.people.actions import PersonRow, bulk_create_people
from lumoflow.people.models import User
from lumoflow.workspaces.actions import (
    MemberRow,
    WorkspaceRow,
    bulk_add_members,
    bulk_create_workspaces,
)
from lumoflow.workspaces.models import Membership, Workspace

#: How a placeholder purpose names where a workspace came from ("Imported from Slack #general").
ORIGINS = {
    "slack": "Slack #{name}",
    "mattermost": "Mattermost #{name}",
    "yammer": "Viva Engage group {name}",
    "mbox": "the mailing list {name}",
    "maildir": "the mail folder {name}",
}
EMOJI = {
    "+1": "👍", "thumbsup": "👍", "like": "👍", "heart": "❤️", "tada": "🎉", "bulb": "💡",
    "white_check_mark": "✅", "heavy_check_mark": "✅", "tick": "✅", "eyes": "👀",
}  # fmt: skip
_USERNAME_BAD = re.compile(r"[^\w.@+-]")
NO_TEXT = "(no text)"


@dataclass
class LoadResult:
    """What one load added (zero everywhere on a second run of the same export)."""

    workspaces: int = 0
    people: int = 0
    memberships: int = 0
    posts: int = 0
    reactions: int = 0
    already: int = 0
    bots: int = 0
    pending_purpose: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.workspaces} workspaces",
            f"{self.people} people",
            f"{self.memberships} memberships",
            f"{self.posts} posts and replies",
            f"{self.reactions} reactions added",
            f"{self.already} already imported",
        ]
        if self.bots:
            parts.append(f"{self.bots} bot messages left out")
        if self.pending_purpose:
            parts.append(f"{len(self.pending_purpose)} workspaces need a purpose")
        return ", ".join(parts)


def read_workspace_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """``--workspace-map``: a CSV with the header ``source,workspace``: the channel or group
    (id or name in the export) and the platform workspace it goes to (id or exact name of an
    existing one, or the name of a new one)."""
    label = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LogError(f"cannot read ({exc.strerror})", file=label) from None
    rows = list(csv.reader(io.StringIO(check_utf8(data, label).lstrip("\ufeff"))))
    if not rows or [h.strip().lower() for h in rows[0]][:2] != ["source", "workspace"]:
        raise LogError("the header must be 'source,workspace'", file=label, line=1)
    out: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise LogError("expected 'source,workspace' with both filled", file=label, line=line)
        out[row[0].strip()] = row[1].strip()
    return out


def _admin(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not user.is_staff:
            raise LogError(f"--actor {username!r} is not an active administrator")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise LogError("no administrator to act as: create one (lumoflow setup) or give --actor")
    return user


class _Loader:
    def __init__(self, log: InteractionLog, workspace_map: dict[str, str], admin: User) -> None:
        self.log = log
        self.source = str(log.meta.get("source") or "import")
        self.map = workspace_map
        self.admin = admin
        self.result = LoadResult()
        self.private = set(log.meta.get("private_workspaces") or [])
        self.renamed: tuple[re.Pattern[str], dict[str, str]] | None = None

    # ------------------------------------------------------------------ workspaces
    def workspaces(self, used: list[str], first_ts: dict[str, datetime]) -> dict[str, int]:
        known = known_origins(self.source, "workspace", used)
        info = {r["workspace"]: r for r in self.log.workspaces.to_pylist()}
        origin = ORIGINS.get(self.source, self.source + " {name}")
        new: list[tuple[str, WorkspaceRow]] = []
        mapped: list[tuple[str, int]] = []
        for wid in used:
            if wid in known:
                continue
            meta = info.get(wid, {})
            name = (meta.get("name") or wid).strip()[: limits.WORKSPACE_NAME] or wid
            target = self.map.get(wid) or self.map.get(name)
            if target:
                existing = _existing_workspace(target)
                if existing is not None:
                    known[wid] = existing
                    mapped.append((wid, existing))
                    continue
                name = target[: limits.WORKSPACE_NAME]
            purpose = (meta.get("purpose") or "").strip()[: limits.WORKSPACE_PURPOSE]
            pending = not purpose
            if pending:
                purpose = f"Imported from {origin.format(name=name)} — purpose not yet stated"
                self.result.pending_purpose.append(name)
            created = meta.get("created_at") or first_ts.get(wid)
            visibility = "private" if wid in self.private else "public"
            new.append((wid, WorkspaceRow(name, purpose, visibility, created, pending)))
        ids = bulk_create_workspaces(self.admin, [r for _, r in new]) if new else []
        pairs = [(wid, pk) for (wid, _), pk in zip(new, ids, strict=True)]
        mark_origins(self.source, "workspace", pairs + mapped)
        self.result.workspaces = len(pairs)
        return known | dict(pairs)

    # ------------------------------------------------------------------ people
    def people(self, actors: list[str]) -> dict[str, int]:
        known = known_origins(self.source, "person", actors)
        todo = [a for a in actors if a not in known]
        emails = [a.lower() for a in todo if "@" in a]
        by_email = (
            dict(User.objects.filter(email__in=emails).values_list("email", "pk")) if emails else {}
        )
        by_name = dict(User.objects.filter(username__in=todo).values_list("username", "pk"))
        matched: list[tuple[str, int]] = []
        create: list[str] = []
        for a in todo:
            pk = by_email.get(a.lower()) or by_name.get(a)
            if pk is not None:
                matched.append((a, pk))
            else:
                create.append(a)
        wanted = set(create)
        info = {r["actor"]: r for r in self.log.people.to_pylist() if r["actor"] in wanted}
        taken = set(
            User.objects.filter(username__in=[_username(a) for a in create]).values_list(
                "username", flat=True
            )
        )
        rows: list[PersonRow] = []
        for a in create:
            username = _username(a)
            n = 1
            while username in taken:
                n += 1
                username = f"{_username(a)[: limits.USERNAME - 4]}-{n}"
            taken.add(username)
            p = info.get(a, {})
            rows.append(
                PersonRow(
                    username=username,
                    email=a.lower() if "@" in a and _email_ok(a) else "",
                    name=(p.get("name") or "")[: limits.PERSON_NAME],
                    location=(p.get("location") or "")[: limits.PERSON_NAME],
                    joined=p.get("joined_at"),
                )
            )
        ids = bulk_create_people(self.admin, rows) if rows else []
        made = list(zip(create, ids, strict=True))
        mark_origins(self.source, "person", matched + made)
        self.result.people = len(made)
        return known | dict(matched) | dict(made)

    # ------------------------------------------------------------------ memberships
    def members(self, firsts: Iterable[tuple[int, int, datetime]]) -> None:
        firsts = list(firsts)
        ws_ids = {w for _, w, _ in firsts}
        existing = set(
            Membership.objects.filter(workspace_id__in=ws_ids).values_list(
                "user_id", "workspace_id"
            )
        )
        rows = [
            MemberRow(workspace_id=w, user_id=u, joined=at)
            for u, w, at in firsts
            if (u, w) not in existing
        ]
        if rows:
            bulk_add_members(self.admin, rows)
        self.result.memberships = len(rows)

    # ------------------------------------------------------------------ the whole load
    def run(self) -> LoadResult:
        ev = self.log.events
        mentioned = ev.filter(
            pc.and_(pc.equal(ev["verb"], "mention"), pc.invert(ev["is_bot"]))
        ).column("target_actor")
        bots = pc.and_(ev["is_bot"], pc.is_in(ev["verb"], pa.array(["post", "reply"])))
        self.result.bots = int(pc.sum(pc.cast(bots, pa.int64())).as_py() or 0)
        keep = pc.and_(
            pc.invert(ev["is_bot"]),
            pc.is_in(ev["verb"], pa.array(["post", "reply", "reaction", "join"])),
        )
        ev = ev.filter(keep).sort_by("ts")
        if ev.num_rows == 0:
            return self.result
        cols = {
            c: ev[c].to_pylist()
            for c in ("ts", "actor", "verb", "workspace", "object_id", "parent_id", "text")
        }
        firsts_ws: dict[str, datetime] = {}
        for w, t in zip(cols["workspace"], cols["ts"], strict=True):
            firsts_ws.setdefault(w, t)
        used = [w for w in firsts_ws if w]
        if len(used) != len(firsts_ws):
            used_set = set(used)
            for i, w in enumerate(cols["workspace"]):
                if not w:
                    cols["workspace"][i] = "imported"
            if "imported" not in used_set:
                used.append("imported")
                firsts_ws.setdefault("imported", cols["ts"][0])
        ws = self.workspaces(used, firsts_ws)
        targets = [t for t in dict.fromkeys(mentioned.to_pylist()) if t]
        people = self.people(list(dict.fromkeys(cols["actor"] + targets)))
        self.renamed = _renamed({t: people[t] for t in targets})
        firsts: dict[tuple[int, int], datetime] = {}
        for a, w, t in zip(cols["actor"], cols["workspace"], cols["ts"], strict=True):
            firsts.setdefault((people[a], ws[w]), t)
        self.members((u, w, t) for (u, w), t in firsts.items())
        self.posts(cols, people, ws)
        return self.result

    def mentions(self, text: str) -> str:
        """``text`` with each ``@person`` of the export written with the platform username of
        the person loaded for them, where the two differ (a taken or unusable username)."""
        if self.renamed is None or "@" not in text:
            return text
        pattern, names = self.renamed
        return pattern.sub(lambda m: "@" + names[m[1]], text)

    def posts(self, cols: dict[str, list[Any]], people: dict[str, int], ws: dict[str, int]) -> None:
        n = len(cols["verb"])
        messages = [i for i in range(n) if cols["verb"][i] in ("post", "reply")]
        oids = [cols["object_id"][i] for i in messages]
        known = known_origins(self.source, "post", oids)
        self.result.already = sum(1 for o in oids if o in known)
        in_export = set(oids)
        limit = limits.post_body()
        todo = [i for i in messages if cols["object_id"][i] not in known]
        placed = dict(known)
        level = 0
        while todo:
            level += 1
            ready: list[tuple[int, int | None]] = []
            later: list[int] = []
            for i in todo:
                parent = cols["parent_id"][i] if cols["verb"][i] == "reply" else ""
                if not parent or parent not in in_export and parent not in placed:
                    ready.append((i, None))  # a root, or a reply whose parent is not here
                elif parent in placed:
                    ready.append((i, placed[parent]))
                else:
                    later.append(i)
            if not ready:  # a cycle of parents: what is left becomes posts
                ready, later = [(i, None) for i in later], []
            rows = [
                PostRow(
                    author_id=people[cols["actor"][i]],
                    workspace_id=ws[cols["workspace"][i]],
                    body=_body(self.mentions(cols["text"][i]), limit),
                    at=cols["ts"][i],
                    parent_id=parent,
                )
                for i, parent in ready
            ]
            ids = bulk_create_posts(rows)
            pairs = [(cols["object_id"][i], pk) for (i, _), pk in zip(ready, ids, strict=True)]
            mark_origins(self.source, "post", pairs)
            placed.update(pairs)
            self.result.posts += len(pairs)
            todo = later
        reactions = [
            ReactionRow(
                actor_id=people[cols["actor"][i]],
                post_id=placed[cols["parent_id"][i]],
                emoji=EMOJI.get(cols["text"][i].strip(":").lower(), "👍"),
                at=cols["ts"][i],
            )
            for i in range(n)
            if cols["verb"][i] == "reaction" and cols["parent_id"][i] in placed
        ]
        self.result.reactions = bulk_add_reactions(reactions) if reactions else 0


def _renamed(mentioned: dict[str, int]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The mentioned people of the export whose platform username is not their name in the
    export: a pattern finding ``@name`` the way the platform reads a mention, and the names."""
    usernames = dict(User.objects.filter(pk__in=mentioned.values()).values_list("pk", "username"))
    names = {a: usernames[pk] for a, pk in mentioned.items() if usernames.get(pk, a) != a}
    if not names:
        return None
    words = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w@/.])@({words})(?=[.,;:!?)]*(?:\s|$))"), names


def _existing_workspace(target: str) -> int | None:
    if target.isdigit() and Workspace.objects.filter(pk=int(target)).exists():
        return int(target)
    return Workspace.objects.filter(name=target).values_list("pk", flat=True).first()


def _username(actor: str) -> str:
    return (_USERNAME_BAD.sub("-", actor) or "imported")[: limits.USERNAME]


def _email_ok(value: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _body(text: str, limit: int) -> str:
    body = (text or "").replace("\x00", "").strip()
    if len(body) > limit:
        body = body[: limit - 1].rstrip() + "…"
    return body or NO_TEXT


def load_into_platform(
    log: InteractionLog, *, workspace_map: dict[str, str] | None = None, actor: str | None = None
) -> LoadResult:
    """Load ``log`` into the platform in one transaction; see the module's docstring.

    Bad data the actions refuse raises ``LogError`` (exit 2) and nothing is written.
    """
    try:
        with transaction.atomic():
            return _Loader(log, workspace_map or {}, _admin(actor)).run()
    except LumoFlowError as exc:
        first = next((m for ms in exc.errors.values() for m in ms), "")
        raise LogError(
            f"nothing was loaded: {exc.detail}{f' ({first})' if first else ''}"
        ) from None
