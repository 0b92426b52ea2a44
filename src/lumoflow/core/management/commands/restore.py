"""`lumoflow restore FILE [--force]`: replace the database and files with a backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from lumoflow.core import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (--force replaces a non-empty one)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="an archive written by `lumoflow backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        done = backup.restore(Path(opts["file"]), force=opts["force"])
        self.stdout.write(
            f"restored {done.rows} rows in {done.tables} tables and {done.files} files "
            f"from {done.path}"
        )
