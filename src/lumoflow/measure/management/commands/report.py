"""Write the executive report of a period: `lumoflow report --period 2026-Q3 --format pdf
--out FILE [--workspace ID] [--as USERNAME]`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lumoflow.core.errors import Invalid
from lumoflow.measure.report import content, render
from lumoflow.measure.report.period import FORMS, last_complete_quarter, parse_period
from lumoflow.people.models import User


class Command(BaseCommand):
    help = (
        "Write the executive report of a period (the verdict, the portfolio, the fading "
        "workspaces, value and its assumptions, the department map, what was acted on) as one "
        "PDF or self-contained HTML file. Made as the first administrator sees it, or as "
        "--as USERNAME (an executive)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--period", default="", help=f"{FORMS}; default: the last complete quarter"
        )
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--out", required=True, help="the file to write (replaced whole)")
        parser.add_argument("--workspace", type=int, help="only this workspace (its id)")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="an executive")

    def handle(self, *args: Any, **opts: Any) -> None:
        today = timezone.now().astimezone(dt.UTC).date()
        try:
            period = parse_period(opts["period"] or last_complete_quarter(today), today=today)
        except Invalid as exc:
            raise CommandError(f"--period: {exc.detail}") from exc
        out = Path(opts["out"])
        if out.is_dir():
            raise CommandError(f"--out: {out} is a folder; name a file.")
        if not out.parent.is_dir():
            raise CommandError(f"--out: the folder {out.parent} does not exist.")
        viewer = self._viewer(opts["as_user"])
        report = content.report_for(viewer, period, workspace_id=opts["workspace"])
        try:
            data = render.render(report, opts["format"])
        except render.ReportUnavailable as exc:  # this machine lacks a library: a failure
            self.stderr.write(f"lumoflow report: {exc.detail}")
            raise SystemExit(1) from exc
        render.write_atomically(out, data)
        self.stderr.write(
            f"Wrote the report of {period.label} ({period.days}) to {out} "
            f"({len(data):,} bytes, {opts['format'].upper()})."
        )

    def _viewer(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"--as: no active person with the username '{username}'.")
            return user
        admin = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("No administrator yet: run `lumoflow setup`, or give --as.")
        return admin
