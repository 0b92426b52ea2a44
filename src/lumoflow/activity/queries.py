"""Reads of the activity log for the platform itself (not analytics: those read the export)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count

from lumoflow.core import marks
from lumoflow.core.marks import Marks

from .actions import OUTSIDE
from .models import ActivityEvent, Verb


def change_marks_of(workspace_ids: Iterable[int]) -> Marks:
    """The change marks of these workspaces and of outside any workspace (a profile edit there
    changes names shown everywhere), with the epoch: what a page showing their data is keyed on.

    Read them before the data (`core.marks`): every write bumps the marks of what it changed in
    its own transaction (one write path: `activity.record`).
    """
    return marks.read([OUTSIDE, *(int(w) for w in workspace_ids)])


#: What counts as taking part in one's own insights: writing, replying, reacting.
OWN_VERBS = (Verb.POST, Verb.REPLY, Verb.REACTION)


def own_activity_of(person_id: int, start: date, end: date) -> list[tuple[date, str, int, int]]:
    """(day, verb, workspace id or 0, events) of one person's own posts, replies and reactions
    from `start` to `end` (days, both included), for that person's own insights: the caller
    passes the signed-in person's id, never another's (a person's own figures are theirs to
    see, no group threshold applies)."""
    rows = (
        ActivityEvent.objects.filter(
            actor_id=person_id, verb__in=OWN_VERBS, day__gte=start, day__lte=end
        )
        .values("day", "verb", "workspace_id")
        .annotate(n=Count("id"))
        .values_list("day", "verb", "workspace_id", "n")
        .order_by("day", "verb", "workspace_id")
    )
    return [(day, verb, ws or OUTSIDE, n) for day, verb, ws, n in rows]
