"""The demo's one write of its own: reads (views) of posts and workspaces, in bulk.

Views are ActivityEvents with verb `view`, rolled up per person, object and day by the activity
log's unique key; a repeat on the same day is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from django.db import transaction

from lumoflow.activity.actions import EventRow, record_many
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid
from lumoflow.workspaces.models import Membership, MembershipStatus, Visibility, Workspace

#: What a view may be of: posts and workspaces by their ids, wiki pages and articles by their
#: ids in the activity log (`knowledge.queries.object_id`: `wiki:3`, `article:3`).
VIEWABLE = ("post", "workspace", "wikipage", "article")


class ViewRow(NamedTuple):
    actor_id: int
    workspace_id: int
    object_type: str
    object_id: int | str
    at: datetime


@transaction.atomic
def bulk_record_views(rows: Sequence[ViewRow], *, batch_size: int = 5000) -> int:
    """Record that people read posts, workspaces, wiki pages or articles they may read. All or
    nothing.

    Each reader must be an active member of the workspace, or the workspace public. Returns the
    number of rows given (repeats on the same day are dropped by the unique key).
    """
    ws_ids = {r.workspace_id for r in rows}
    public = set(
        Workspace.objects.filter(pk__in=ws_ids, visibility=Visibility.PUBLIC).values_list(
            "pk", flat=True
        )
    )
    members = set(
        Membership.objects.filter(
            workspace_id__in=ws_ids - public, status=MembershipStatus.ACTIVE
        ).values_list("user_id", "workspace_id")
    )
    for i, r in enumerate(rows):
        if r.object_type not in VIEWABLE:
            raise Invalid(f"row {i}: only {' and '.join(VIEWABLE)} views are recorded")
        if r.workspace_id not in public and (r.actor_id, r.workspace_id) not in members:
            raise Invalid(f"row {i}: person {r.actor_id} may not read workspace {r.workspace_id}")
        if r.at.tzinfo is None:
            raise Invalid(f"row {i}: timestamp without time zone")
    return record_many(
        (
            EventRow(
                actor_id=r.actor_id,
                verb=Verb.VIEW,
                ts=r.at,
                workspace_id=r.workspace_id,
                object_type=r.object_type,
                object_id=str(r.object_id),
            )
            for r in rows
        ),
        batch_size=batch_size,
    )
