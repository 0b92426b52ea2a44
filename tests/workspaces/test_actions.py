"""Every workspace and people action records its ActivityEvent in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction

from lumoflow.activity.actions import OutsideTransaction, record
from lumoflow.activity.models import ActivityEvent
from lumoflow.core.errors import Conflict
from lumoflow.people import actions as people
from lumoflow.workspaces import actions as ws
from lumoflow.workspaces.models import Workspace


def _events(**kw):
    return ActivityEvent.objects.filter(**kw)


def test_each_action_records_its_event(org):
    today = date.today()
    cases = [
        (lambda: ws.create_workspace(org.mia, name="A", purpose="B"), "workspace"),
        (lambda: ws.update_workspace(org.olivia, org.launch.pk, name="L"), "workspace"),
        (lambda: ws.archive_workspace(org.olivia, org.finance.pk), "workspace"),
        (lambda: ws.archive_workspace(org.olivia, org.finance.pk, archived=False), "workspace"),
        (lambda: ws.join_workspace(org.otto, org.launch.pk), "join"),
        (lambda: ws.join_workspace(org.otto, org.finance.pk), "membership"),
        (lambda: ws.add_member(org.olivia, org.finance.pk, username="otto"), "join"),
        (
            lambda: ws.add_member(org.olivia, org.launch.pk, username="mia", role="facilitator"),
            "membership",
        ),
        (lambda: ws.remove_member(org.otto, org.launch.pk, username="otto"), "leave"),
        (
            lambda: ws.create_objective(
                org.olivia,
                org.launch.pk,
                title="O",
                start=today,
                end=today + timedelta(days=9),
                key_results=[{"metric_name": "m", "baseline": 0, "target": 1, "due": today}],
            ),
            "objective",
        ),
        (
            lambda: ws.add_key_result(
                org.olivia, org.objective.pk, metric_name="k", baseline=1, target=0, due=today
            ),
            "objective",
        ),
        (
            lambda: ws.record_check_in(org.fred, org.key_result.pk, value=3, confidence=6),
            "check_in",
        ),
        (lambda: people.update_profile(org.mia, "mia", title="Lead"), "profile"),
        (lambda: people.create_token(org.mia), "token"),
        (lambda: people.create_person(org.ada, username="newbie"), "person"),
        (lambda: people.ensure_admin("root2", "pw-long-enough-1"), "person"),
    ]
    for call, verb in cases:
        before = _events(verb=verb).count()
        call()
        assert _events(verb=verb).count() == before + 1, verb


def test_check_in_event_carries_what_the_log_needs(org):
    ci = ws.record_check_in(org.fred, org.key_result.pk, value=4, confidence=8, note="Good week")
    ev = _events(verb="check_in").get()
    assert (ev.actor, ev.workspace, ev.object_id, ev.parent_id, ev.text) == (
        org.fred,
        org.launch,
        str(ci.pk),
        str(org.key_result.pk),
        "Good week",
    )


def test_a_failed_action_writes_nothing(org):
    before = (Workspace.objects.count(), ActivityEvent.objects.count())
    with pytest.raises(Conflict):
        ws.join_workspace(org.mia, org.launch.pk)  # already a member
    assert (Workspace.objects.count(), ActivityEvent.objects.count()) == before


def test_record_refuses_to_run_outside_a_transaction(transactional_db):
    from tests.conftest import make_person

    mia = make_person("mia")
    with pytest.raises(OutsideTransaction):
        record(mia, "post")
    with transaction.atomic():
        record(mia, "post")


def test_workspace_page_views_are_rolled_up_per_day(org, browser_client):
    c = browser_client(org.mia)
    for _ in range(3):
        assert c.get(f"/workspaces/{org.launch.pk}").status_code == 200
    assert _events(verb="view", actor=org.mia, workspace=org.launch).count() == 1


def test_private_page_seen_from_outside_records_no_view(org, browser_client):
    r = browser_client(org.otto).get(f"/workspaces/{org.finance.pk}")
    assert r.status_code == 200 and b"Ask to join" in r.content
    assert b"Objectives and key results" not in r.content
    assert not _events(verb="view", actor=org.otto).exists()
