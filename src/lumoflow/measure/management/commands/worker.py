"""Run one background task worker (django-tasks, database backend): metric refresh and the other
background jobs. `lumoflow serve` starts one beside the web server."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run one background task worker: it takes queued tasks (metric refresh) from the "
        "database, one at a time, until stopped (Ctrl-C or SIGTERM finishes the task it runs)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run the tasks queued now, then exit"
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
        from lumoflow.charts.render import warm_up

        warm_up()  # alerts and digests draw charts: the runtime starts while the queue is read
        call_command(
            "db_worker",
            interval=opts["interval"],
            batch=opts["batch"],
            reload=False,
            startup_delay=False,
            verbosity=opts["verbosity"],
        )
