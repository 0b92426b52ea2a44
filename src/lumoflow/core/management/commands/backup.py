"""`lumoflow backup --out FILE`: the database and the uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from lumoflow.core import backup


class Command(BaseCommand):
    help = "Write a backup archive: the database (consistent while the server runs) and files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="the archive to write (a .zip file)")

    def handle(self, *args: Any, **opts: Any) -> None:
        done = backup.backup(Path(opts["out"]))
        self.stderr.write(
            f"{backup.KIND_NAME[done.database]} backup: {done.rows} rows in {done.tables} "
            f"tables and {done.files} files"
        )
        self.stdout.write(str(done.path))
