"""`lumoflow export-log OUT_DIR [--from DATE] [--to DATE]`: the canonical interaction log."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lumoflow.analytics.log import LogError, write_log
from lumoflow.conversation.export import build_log


def _date(value: str | None, flag: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        d = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag}: not a date (use YYYY-MM-DD): {value!r}")
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Write the platform's canonical interaction log (format 1) to OUT_DIR: events from the "
        "activity log, every person, every workspace. An administrator's export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir")
        parser.add_argument("--from", dest="start", help="first day included (YYYY-MM-DD, UTC)")
        parser.add_argument("--to", dest="end", help="last day included (YYYY-MM-DD, UTC)")
        parser.add_argument(
            "--format", dest="fmt", default="parquet", choices=["parquet", "csv", "jsonl"]
        )
        parser.add_argument("--as", dest="viewer", help="only the workspaces this person may read")

    def handle(self, *args: Any, **opts: Any) -> None:
        start = _date(opts.get("start"), "--from")
        end = _date(opts.get("end"), "--to")
        if end is not None:
            end += dt.timedelta(days=1)
        if start and end and end <= start:
            raise CommandError("--to is before --from")
        viewer = None
        if opts.get("viewer"):
            viewer = get_user_model().objects.filter(username=opts["viewer"]).first()
            if viewer is None:
                raise CommandError(f"--as: no person '{opts['viewer']}'")
        log = build_log(start=start, end=end, viewer=viewer)
        try:
            out = write_log(log, opts["out_dir"], fmt=opts["fmt"])
        except LogError as exc:
            raise CommandError(str(exc))
        print(
            f"wrote {out}: {log.events.num_rows} events, {log.people.num_rows} people, "
            f"{log.workspaces.num_rows} workspaces",
            file=sys.stderr,
        )
        self.stdout.write(str(out))
