"""The bulk idea-status write the demo uses: the same rows, events and notifications as the
single action, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions
from lumoflow.conversation.actions.bulk import IdeaStatusRow, bulk_set_idea_status
from lumoflow.conversation.models import Post
from lumoflow.core.errors import Invalid
from lumoflow.notifications.models import Notification

pytestmark = pytest.mark.django_db
AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
FIELDS = ("actor_id", "verb", "ts", "day", "workspace_id", "object_type", "parent_id")
MORE = ("target_actor_id", "kind", "text", "data")


def _written(post_id: int) -> tuple[Any, ...]:
    post = Post.objects.get(pk=post_id)
    (event,) = ActivityEvent.objects.filter(verb="idea_status", object_id=str(post_id))
    assert event.thread_id == str(post_id)
    notes = Notification.objects.filter(post_id=post_id).values_list(
        "recipient_id", "type", "actor_id", "workspace_id"
    )
    return (
        post.idea_status,
        post.idea_note,
        tuple(getattr(event, f) for f in (*FIELDS, *MORE)),
        list(notes),
    )


def test_bulk_idea_status_writes_what_the_single_action_writes(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given two ideas by mia in a workspace fred facilitates
    one = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    two = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Light mode")
    # when fred adopts one through the single action and the other through the bulk path
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_idea_status(org.fred, one.pk, status="adopted", note=" Next sprint ", at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        n = bulk_set_idea_status(
            [IdeaStatusRow(org.fred.pk, two.pk, "adopted", AT, " Next sprint ")]
        )
    # then the posts, the events and mia's notifications are the same
    assert n == 1
    assert _written(two.pk) == _written(one.pk)
    assert _written(two.pk)[3] == [(org.mia.pk, "idea_status", org.fred.pk, org.launch.pk)]


@pytest.mark.parametrize(
    "who,status,target",
    [("mia", "adopted", "idea"), ("fred", "maybe", "idea"), ("fred", "adopted", "update")],
)
def test_bulk_idea_status_rejects_a_bad_row_and_writes_nothing(
    org: Any, who: str, status: str, target: str
) -> None:
    # given an idea and an update
    idea = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    update = actions.create_post(org.mia, org.launch.pk, kind="update", body="Shipped")
    post = idea if target == "idea" else update
    good = IdeaStatusRow(org.fred.pk, idea.pk, "under_review", AT)
    bad = IdeaStatusRow(getattr(org, who).pk, post.pk, status, AT)
    # when a batch holds one row a facilitator may not write
    with pytest.raises(Invalid) as e:
        bulk_set_idea_status([good, bad])
    # then it names that row and nothing is written
    assert "row 1" in e.value.detail
    assert Post.objects.get(pk=idea.pk).idea_status == "new"
    assert not ActivityEvent.objects.filter(verb="idea_status").exists()
