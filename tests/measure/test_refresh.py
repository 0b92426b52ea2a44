"""The background refresh: queued after activity commits (at most one per workspace in ten
minutes), on demand by owners, facilitators and administrators, and run by the task."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lumoflow.analytics.report import FAMILIES
from lumoflow.conversation import actions as conv
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.oncommit import subscribe
from lumoflow.measure import actions, queries
from lumoflow.measure.models import RefreshState, StoredMetrics
from lumoflow.measure.tasks import refresh_metrics_task

pytestmark = pytest.mark.django_db


def _queued(scope: int) -> list[DBTaskResult]:
    return [t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [scope]]


def _post(org, django_capture_on_commit_callbacks, n=1):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(n):
            conv.create_post(org.olivia, org.launch.pk, kind="update", body=f"Status {i}.")


def test_activity_queues_one_refresh_however_many_writes(org, django_capture_on_commit_callbacks):
    # when the owner posts five times
    _post(org, django_capture_on_commit_callbacks, n=5)
    # then one refresh of that workspace is queued, to run now
    (task,) = _queued(org.launch.pk)
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    assert RefreshState.objects.get(scope=org.launch.pk).due_at is not None
    assert queries.get_workspace_metrics_for(org.olivia, org.launch.pk).refreshing


def test_activity_after_a_run_waits_ten_minutes_from_its_start(
    org, django_capture_on_commit_callbacks
):
    # given a refresh that ran just now
    actions.start_refresh(org.launch.pk)
    actions.finish_refresh(org.launch.pk)
    started = RefreshState.objects.get(scope=org.launch.pk).started_at
    # when there is new activity
    _post(org, django_capture_on_commit_callbacks)
    # then the next refresh is queued for ten minutes after the last one started
    (task,) = _queued(org.launch.pk)
    assert task.run_after == started + actions.DEBOUNCE
    assert not DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    # and more activity before it runs queues nothing more
    _post(org, django_capture_on_commit_callbacks, n=3)
    assert len(_queued(org.launch.pk)) == 1


def test_activity_while_a_refresh_runs_queues_the_next_one(org, django_capture_on_commit_callbacks):
    _post(org, django_capture_on_commit_callbacks)
    actions.start_refresh(org.launch.pk)  # the worker took it
    _post(org, django_capture_on_commit_callbacks)
    assert len(_queued(org.launch.pk)) == 2


def test_the_task_stores_the_default_period_and_publishes_it(
    busy, django_capture_on_commit_callbacks
):
    # given a subscriber of metrics.refreshed, as alerts subscribe
    seen: list[dict] = []
    subscribe("metrics.refreshed", lambda **kw: seen.append(kw))
    # when the task runs (as the worker runs it)
    with django_capture_on_commit_callbacks(execute=True):
        refresh_metrics_task.call(busy.launch.pk)
    # then the result is stored, the state says it finished, and the topic was published
    row = StoredMetrics.objects.get(scope=busy.launch.pk)
    assert row.rolling
    state = RefreshState.objects.get(scope=busy.launch.pk)
    assert state.due_at is None and state.finished_at >= state.started_at
    mine = [s for s in seen if s["workspace_id"] == busy.launch.pk]
    assert mine and mine[-1]["computed_at"] == row.computed_at
    assert mine[-1]["data"]["fading"]["verdict"] == row.data["fading"]["verdict"]
    assert not queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk).refreshing


def test_yesterdays_result_is_shown_while_todays_is_queued(busy):
    # given a result stored yesterday
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        old = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    # when read today
    m = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    # then it is shown at once, and a refresh is queued
    assert m.computed_at == old.computed_at
    assert m.refreshing and len(_queued(busy.launch.pk)) == 1


@pytest.mark.parametrize("who", ["olivia", "fred", "ada"])
def test_refresh_now_by_owner_facilitator_or_administrator(org, who):
    actions.refresh_metrics(getattr(org, who), org.launch.pk)
    (task,) = _queued(org.launch.pk)
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # a worker takes it now
    # asked again before it ran: nothing more queued
    actions.refresh_metrics(getattr(org, who), org.launch.pk)
    assert len(_queued(org.launch.pk)) == 1


def test_refresh_now_is_refused_to_members_and_hidden_from_outsiders(org):
    with pytest.raises(PermissionDenied):
        actions.refresh_metrics(org.mia, org.launch.pk)
    with pytest.raises(PermissionDenied):
        actions.refresh_metrics(org.otto, org.launch.pk)
    with pytest.raises(NotFound):
        actions.refresh_metrics(org.ada, org.merger.pk)
    assert not DBTaskResult.objects.exists()


def test_organisation_refresh_stores_what_each_scope_computed_alone_gives(busy, capsys):
    # when an operator refreshes everything (one read of the log)
    from lumoflow.cli import main
    from lumoflow.measure import compute
    from lumoflow.measure.models import ORGANISATION
    from lumoflow.workspaces.models import Workspace

    assert main(["refresh-metrics"]) == 0
    # then every workspace and the organisation have a stored result
    assert "Stored 4 results" in capsys.readouterr().out
    assert StoredMetrics.objects.count() == Workspace.objects.count() + 1
    # equal, family by family, to each computed on its own
    start, end = compute.default_period()
    alone = {
        busy.launch.pk: compute.compute_workspace(busy.launch.pk, start, end),
        busy.merger.pk: compute.compute_workspace(busy.merger.pk, start, end),
        ORGANISATION: compute.compute_organisation(
            queries.organisation_workspace_ids(), start, end
        ),
    }
    for scope, data in alone.items():
        row = StoredMetrics.objects.get(scope=scope)
        for family in FAMILIES:
            assert row.data[family] == data[family], (scope, family)


def test_refresh_metrics_queue_leaves_it_to_the_worker(db, capsys):
    from lumoflow.cli import main

    assert main(["refresh-metrics", "--queue"]) == 0
    assert "Queued" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == 1
