"""Background work of measurement (django-tasks, database backend): run by `lumoflow worker`,
which `lumoflow serve` starts beside the web server."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import actions, compute


@task()
def refresh_metrics_task(scope: int) -> None:
    """Compute and store a scope's metrics over the default period (the 12 months up to today).

    Queued by `actions.request_refresh` (after activity, debounced) and
    `actions.refresh_metrics` ("Refresh now").
    """
    actions.start_refresh(scope)
    try:
        start, end = compute.default_period()
        actions.compute_and_store(scope, start, end, rolling=True)
    finally:
        actions.finish_refresh(scope)


@task()
def refresh_organisation_task() -> None:
    """Compute and store every workspace's and the organisation's metrics from one build of the
    log (`lumoflow refresh-metrics --queue`)."""
    actions.refresh_organisation()


@task()
def store_ended_periods_task() -> None:
    """Store the last complete quarter's and month's results of every workspace and of the
    organisation, those not stored yet (queued by the worker's schedule when a period ends)."""
    actions.store_ended_periods()


@task()
def send_digest_task(digest: str, period: str) -> None:
    """Plan and send a digest's period (queued by the worker's schedule,
    `digests.actions.claim_due`); while deliveries are left after a failure of the mail
    server, queue itself again for when the earliest may be retried (the backoff)."""
    from .digests import actions as digests
    from .models import DigestRun

    run = DigestRun.objects.get(digest=digest, period=period)
    if run.planned_at is None:
        digests.plan_run(run)
    outcome = digests.send_pending(run)
    if outcome.pending:
        when = outcome.retry_at or timezone.now() + digests.RETRY_FIRST
        send_digest_task.using(run_after=when).enqueue(digest, period)
