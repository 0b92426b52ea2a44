"""Reading metrics through `measure.queries`: who sees what, from the store, and when a stored
result is no longer read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lumoflow.analytics.fading import VERDICTS
from lumoflow.core.errors import Invalid, NotFound, PermissionDenied
from lumoflow.measure import compute, queries
from lumoflow.measure.models import ORGANISATION, StoredMetrics

pytestmark = pytest.mark.django_db


def test_owner_gets_full_metrics_computed_once_then_from_the_store(busy):
    # given a busy workspace with nothing stored
    assert not StoredMetrics.objects.exists()
    # when its owner reads its metrics twice
    first = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    again = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    # then the engine ran once, in the first request, for the 12 months up to today
    assert first.full and first.workspace_id == busy.launch.pk
    assert (first.start, first.end) == compute.default_period()
    assert again.computed_at == first.computed_at
    assert StoredMetrics.objects.filter(scope=busy.launch.pk, rolling=True).count() == 1
    # and the data is the engine's JSON shape with every family measured
    data = first.data
    assert data["fading"]["verdict"] in VERDICTS
    assert data["network"] is not None and data["value"] is not None
    assert data["participation"]["members"] >= 6
    assert data["privacy"]["individuals"] is False


def test_the_same_as_the_engine_on_the_exported_log(busy):
    # given the platform's log exported the administrator's way
    from lumoflow.analytics import report
    from lumoflow.analytics.frame import Period
    from lumoflow.conversation.export import build_log

    start, end = compute.default_period()
    expected = report.report_data(
        report.analyze(
            build_log(),
            period=Period.from_dates(start, end),
            workspace=str(busy.launch.pk),
            options=compute.engine_options(),
        )
    )
    # when the stored metrics are computed from the narrowed log
    got = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk).data
    # then every family is the same (the input summary counts what was read, which differs)
    for family in ("participation", "responsiveness", "fading", "network", "relevance", "value"):
        assert got[family] == expected[family], family


def test_member_gets_the_summary_without_owner_only_families(busy):
    m = queries.get_workspace_metrics_for(busy.mia, busy.launch.pk)
    assert not m.full
    assert m.data["network"] is None and m.data["value"] is None
    assert m.data["fading"]["verdict"]
    assert m.data["participation"]["weekly"]


def test_facilitator_and_administrator_get_full_metrics(busy):
    assert queries.get_workspace_metrics_for(busy.fred, busy.launch.pk).full
    assert queries.get_workspace_metrics_for(busy.ada, busy.launch.pk).full
    # an administrator reads a private workspace they do not belong to
    assert queries.get_workspace_metrics_for(busy.ada, busy.finance.pk).full


def test_outsider_reads_a_public_workspace_summary_but_not_a_private_one(busy):
    assert not queries.get_workspace_metrics_for(busy.otto, busy.launch.pk).full
    with pytest.raises(PermissionDenied):
        queries.get_workspace_metrics_for(busy.otto, busy.finance.pk)


def test_secret_workspace_is_not_found_even_for_administrators(busy):
    for viewer in (busy.otto, busy.ada, busy.mia):
        with pytest.raises(NotFound):
            queries.get_workspace_metrics_for(viewer, busy.merger.pk)
    assert queries.get_workspace_metrics_for(busy.olivia, busy.merger.pk).full


def test_unknown_workspace_is_not_found(busy):
    with pytest.raises(NotFound):
        queries.get_workspace_metrics_for(busy.olivia, 999_999)


def test_organisation_metrics_for_administrators_only_and_without_secret_workspaces(busy):
    m = queries.get_org_metrics_for(busy.ada)
    assert m.workspace_id is None and m.full
    by_ws = m.data["fading"]["by_workspace"]
    assert str(busy.launch.pk) in by_ws and str(busy.finance.pk) in by_ws
    assert str(busy.merger.pk) not in by_ws
    assert "by_department" in m.data["network"]["ei_index"]
    for viewer in (busy.olivia, busy.mia, busy.otto):
        with pytest.raises(PermissionDenied):
            queries.get_org_metrics_for(viewer)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "from"),  # reversed
        (date(2020, 1, 1), date(2024, 1, 1), "from"),  # over three years
        (None, date.today() + timedelta(days=30), "to"),  # after today
    ],
)
def test_bad_periods_are_invalid_and_store_nothing(busy, start, end, field):
    with pytest.raises(Invalid) as exc:
        queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk, start=start, end=end)
    assert field in exc.value.errors
    assert not StoredMetrics.objects.exists()


def test_an_explicit_period_is_measured_and_stored_for_that_period(busy):
    end = datetime.now(UTC).date() - timedelta(days=7)
    start = end - timedelta(days=28)
    m = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk, start=start, end=end)
    assert (m.start, m.end) == (start, end)
    assert StoredMetrics.objects.get(scope=busy.launch.pk).rolling is False


def test_a_new_engine_version_or_new_targets_invalidate_stored_results(busy):
    from lumoflow.workspaces import actions as ws

    first = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    StoredMetrics.objects.filter(scope=busy.launch.pk).update(engine="0.0.1+older")
    second = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    assert second.computed_at > first.computed_at
    ws.update_workspace(busy.olivia, busy.launch.pk, target_on_topic_share=0.5)
    third = queries.get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    assert third.computed_at > second.computed_at
    # only the result of the current engine and targets is kept
    assert StoredMetrics.objects.filter(scope=busy.launch.pk).count() == 1


def test_a_workspace_without_activity_says_there_is_nothing_to_measure(org):
    m = queries.get_workspace_metrics_for(org.olivia, org.merger.pk)
    assert m.data["fading"] is None
    assert (
        "Nothing to measure" in m.data["privacy"]["selection"]["reason"]
        or (m.data["privacy"]["selection"]["suppressed"])
    )


def test_organisation_scope_is_stored_apart(busy):
    queries.get_org_metrics_for(busy.ada)
    assert StoredMetrics.objects.filter(scope=ORGANISATION).count() == 1
