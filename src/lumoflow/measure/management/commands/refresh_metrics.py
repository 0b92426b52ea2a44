"""Refresh every workspace's and the organisation's stored metrics."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from lumoflow.measure import actions
from lumoflow.measure.tasks import refresh_organisation_task


class Command(BaseCommand):
    help = (
        "Compute and store the metrics of every workspace and of the organisation (the 12 "
        "months up to today) from one read of the activity log; --queue leaves it to the worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", action="store_true", help="queue it for the task worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["queue"]:
            refresh_organisation_task.enqueue()
            self.stdout.write("Queued: the task worker refreshes every workspace's metrics.")
            return
        started = time.perf_counter()
        stored = actions.refresh_organisation()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Stored {stored} results (workspaces and the organisation) in {seconds:.1f} s."
        )
