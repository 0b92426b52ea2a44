"""Run one background task worker (django-tasks, database backend): metric refresh, digests and
the other background jobs, and the digests' schedule. `lumoflow serve` starts one beside the web
server."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

log = logging.getLogger(__name__)

#: Seconds between two looks at the digests' schedule.
SCHEDULE_EVERY = 30.0


class ScheduledWorker(Worker):
    """django-tasks' database worker that, between passes over the queue, queues the digests
    whose time has come (`digests.actions.claim_due`: one worker wins each) and the storing of
    the ended quarter's and month's results (`actions.store_ended_periods`)."""

    def __init__(self, **kwargs: Any) -> None:
        self.keep_going = not kwargs["batch"]
        super().__init__(**{**kwargs, "batch": True})
        self.looked_at = 0.0
        self.periods_queued: tuple[str, str] | None = None

    def look_at_schedule(self) -> None:
        from lumoflow.measure.digests.actions import claim_due

        now = time.monotonic()
        if not settings.LUMOFLOW_DIGESTS:
            return
        if self.looked_at and now - self.looked_at < SCHEDULE_EVERY:
            return
        self.looked_at = now
        try:
            for run in claim_due():
                log.info("Queued the %s digest of %s", run.digest, run.period)
        except Exception:  # the database busy: the next look claims it
            log.exception("Could not look at the digests' schedule")

    def look_at_periods(self) -> None:
        """Queue the storing of the last complete quarter's and month's results once per
        process and per pair of periods (at start, then when a month ends); the task itself
        stores only what is missing, so a second worker's queueing costs one read."""
        from django.utils import timezone

        from lumoflow.measure.report.period import last_complete_month, last_complete_quarter
        from lumoflow.measure.tasks import store_ended_periods_task

        if not settings.LUMOFLOW_DIGESTS:
            return
        today = timezone.now().date()
        periods = (last_complete_quarter(today), last_complete_month(today))
        if periods == self.periods_queued:
            return
        try:
            store_ended_periods_task.enqueue()
            self.periods_queued = periods
            log.info("Queued the storing of %s and %s", *periods)
        except Exception:  # the database busy: the next look queues it
            log.exception("Could not queue the storing of the ended periods")

    def run(self) -> None:
        while self.running:
            close_old_connections()
            self.look_at_schedule()
            self.look_at_periods()
            super().run()  # the tasks queued now (batch mode), then back here
            if not self.keep_going:
                return
            if self.running:
                time.sleep(self.interval)


class Command(BaseCommand):
    help = (
        "Run one background task worker: it takes queued tasks (metric refresh, digests) from "
        "the database, one at a time, and queues the digests when their time comes, until "
        "stopped (Ctrl-C or SIGTERM finishes the task it runs)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="queue the digests due now, run the tasks queued, then exit",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at an empty queue (default 1)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 0 < opts["interval"] <= 3600:
            raise CommandError(f"--interval {opts['interval']} is not 0 to 3600 seconds.")
        from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

        from lumoflow.charts.render import warm_up

        warm_up()  # alerts and digests draw charts: the runtime starts while the queue is read
        worker = ScheduledWorker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=opts["interval"],
            batch=opts["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
