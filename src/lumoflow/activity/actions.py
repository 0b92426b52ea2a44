"""Record activity events. Called by actions only, inside their transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from lumoflow.core import marks
from lumoflow.core.errors import Conflict
from lumoflow.core.oncommit import publish

from .models import ActivityEvent, Verb

# The change-mark scope of what happens outside any workspace (a workspace's scope is its id).
OUTSIDE = 0
#: Published after a write that recorded events in workspaces commits, with `workspace_ids`
#: (views are not writes): what is derived from a workspace's events (its metrics) subscribes.
RECORDED = "activity.recorded"


class OutsideTransaction(RuntimeError):
    """An event was recorded outside the action's transaction."""


def _refuse_archived(workspace_ids: Iterable[int]) -> None:
    """Raise Conflict when one of these workspaces is archived: an archived workspace is
    read-only, and every write to a workspace records an event through here.

    Reads the workspaces' state as committed now, after the caller bumped their change marks:
    `archive_workspace` bumps the same mark, so on PostgreSQL a write racing an archiving either
    commits before it or waits for it and then sees it archived (SQLite runs one writer at a
    time). The workspace model is reached through the event's foreign key: activity sits below
    the apps and imports none of them.
    """
    ids = {int(i) for i in workspace_ids}
    if not ids:
        return
    workspace_model = ActivityEvent._meta.get_field("workspace").related_model
    archived = workspace_model._default_manager.filter(pk__in=ids, archived_at__isnull=False)
    name = archived.order_by("pk").values_list("name", flat=True).first()
    if name is not None:
        raise Conflict(
            f"Workspace '{name}' is archived: it is read-only until an owner unarchives it."
        )


def _ref(obj: models.Model | str | int | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.model_name or "", str(obj.pk)
    return "", str(obj)


def record(
    actor: Any,
    verb: Verb | str,
    *,
    workspace: Any = None,
    obj: models.Model | None = None,
    object_id: str | None = None,
    object_type: str | None = None,
    parent: models.Model | str | int | None = None,
    thread: models.Model | str | int | None = None,
    target_actor: Any = None,
    kind: str = "",
    text: str = "",
    ts: datetime | None = None,
    data: dict[str, Any] | None = None,
    archiving: bool = False,
) -> ActivityEvent:
    """Write one ActivityEvent and bump the change mark of its workspace (or of outside any
    workspace), unless it is a view. Must run inside the calling action's `transaction.atomic()`:
    the mark's row stays locked until that commits (`core.marks`).

    `actor` and `target_actor` are people (`people.models.User`), typed `Any` here only because
    activity sits below the apps and imports none of them; the actions that call this are typed.

    Raises Conflict when the workspace is archived (`_refuse_archived`), unless `archiving`: the
    event of archiving it, which `archive_workspace` alone records.
    """
    if not connection.in_atomic_block:
        raise OutsideTransaction("activity.record must run inside the action's transaction")
    otype, oid = _ref(obj)
    when = ts or timezone.now()
    if verb != Verb.VIEW:
        # What pages cached under the scope's mark showed has changed (`core.marks`).
        marks.bump([workspace.pk if workspace is not None else OUTSIDE])
        if workspace is not None and not archiving:
            _refuse_archived([workspace.pk])
        if workspace is not None:
            publish(RECORDED, workspace_ids=frozenset([workspace.pk]))
    return ActivityEvent.objects.create(
        ts=when,
        day=when.astimezone(UTC).date(),
        actor=actor,
        verb=str(verb),
        workspace=workspace,
        object_type=object_type if object_type is not None else otype,
        object_id=object_id if object_id is not None else oid,
        parent_id=_ref(parent)[1],
        thread_id=_ref(thread)[1],
        target_actor=target_actor,
        kind=kind,
        text=text,
        data=data or {},
    )


class EventRow(NamedTuple):
    """One event for `record_many` (bulk paths: imports, demo generator). A named tuple: bulk
    paths build tens of thousands of them."""

    actor_id: int
    verb: str
    ts: datetime
    workspace_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    parent_id: str = ""
    thread_id: str = ""
    target_actor_id: int | None = None
    kind: str = ""
    text: str = ""
    data: Mapping[str, Any] = MappingProxyType({})  # read-only: one default shared by all


_COLUMNS = (
    "ts",
    "day",
    "actor_id",
    "verb",
    "workspace_id",
    "object_type",
    "object_id",
    "parent_id",
    "thread_id",
    "target_actor_id",
    "kind",
    "text",
    "data",
)


def _insert_sql(ignore_conflicts: bool) -> str:
    table = ActivityEvent._meta.db_table
    cols = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    marks = ", ".join(["%s"] * len(_COLUMNS))
    if not ignore_conflicts:
        return f"INSERT INTO {table} ({cols}) VALUES ({marks})"
    if connection.vendor == "sqlite":
        return f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})"
    return f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def _time_columns() -> Callable[[datetime], tuple[Any, Any]]:
    """Return a function giving the `ts` and `day` values of an event as the driver takes them."""
    ops = connection.ops

    def adapt(ts: datetime) -> tuple[Any, Any]:
        day = ts.astimezone(UTC).date()
        return ops.adapt_datetimefield_value(ts), ops.adapt_datefield_value(day)

    if connection.vendor != "sqlite" or connection.timezone is not UTC:
        return adapt

    def sqlite_utc(ts: datetime) -> tuple[Any, Any]:
        # What `adapt` gives for an aware time (the naive UTC time as text), at a third of the
        # cost: the ISO form of the UTC time without its "+00:00", and its first ten characters.
        if ts.tzinfo is None:
            return adapt(ts)
        text = (ts if ts.tzinfo is UTC else ts.astimezone(UTC)).isoformat(" ")[:-6]
        return text, text[:10]

    return sqlite_utc


def record_many(rows: Iterable[EventRow], *, batch_size: int = 5000) -> int:
    """Write many events with batched `executemany`, inside the caller's transaction.

    The bulk path of imports and the demo: the ORM's `bulk_create` spent most of its time
    building model instances, so rows go to the driver as tuples. Views that repeat the same
    person, object and day are dropped by the unique key. The change marks of the scopes the
    rows change (all but views) are bumped once; Conflict when one of them is an archived
    workspace (`_refuse_archived`). Returns the number of rows given.
    """
    if not connection.in_atomic_block:
        raise OutsideTransaction("activity.record_many must run inside the action's transaction")
    times = _time_columns()
    tuples = [
        (
            *times(r.ts),
            r.actor_id,
            r.verb,
            r.workspace_id,
            r.object_type,
            r.object_id,
            r.parent_id,
            r.thread_id,
            r.target_actor_id,
            r.kind,
            r.text,
            json.dumps(r.data) if r.data != {} else "{}",
        )
        for r in rows
    ]
    sql = _insert_sql(Verb.VIEW in set(map(itemgetter(3), tuples)))
    changed = {t[4] or OUTSIDE for t in tuples if t[3] != Verb.VIEW}
    marks.bump(changed)
    _refuse_archived(changed - {OUTSIDE})
    if changed - {OUTSIDE}:
        publish(RECORDED, workspace_ids=frozenset(changed - {OUTSIDE}))
    with connection.cursor() as cur:
        for start in range(0, len(tuples), batch_size):
            cur.executemany(sql, tuples[start : start + batch_size])
    return len(tuples)


def record_views(actor: Any, objects: Iterable[tuple[Any, str, str]]) -> None:
    """Record that `actor` saw these (workspace or its id, object_type, object_id): one batched
    statement, in a transaction of its own, once a day.

    Called after the page is built; a repeat view the same day is ignored by the unique key.
    """
    if not getattr(actor, "is_authenticated", False):
        return
    now = timezone.now()
    rows = [
        EventRow(
            actor_id=actor.pk,
            verb=Verb.VIEW,
            ts=now,
            workspace_id=getattr(ws, "pk", ws),
            object_type=otype,
            object_id=str(oid),
        )
        for ws, otype, oid in objects
    ]
    if rows:
        with transaction.atomic():
            record_many(rows)
