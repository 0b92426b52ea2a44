"""`lumoflow people import FILE.csv`: create or update people, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lumoflow.people import actions


class Command(BaseCommand):
    help = "Manage people."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser(
            "import", help="import people.csv (header: " + ",".join(actions.CSV_HEADER) + ")"
        )
        imp.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file", returncode=2)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})", returncode=2)
        report = actions.import_people(None, text)
        self.stdout.write(f"{report.created} created, {report.updated} updated from {path}")
