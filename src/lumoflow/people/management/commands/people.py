"""`lumoflow people import FILE.csv`: create or update people, all or nothing.
`lumoflow people export USERNAME --out FILE`: everything held about one person, as a zip.
`lumoflow people erase USERNAME`: erase a person (they become "Former employee N").
`lumoflow people grant|revoke USERNAME executive|people-analytics`: a capability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lumoflow.core.backup import atomic_file
from lumoflow.core.errors import Invalid
from lumoflow.people import actions


class Command(BaseCommand):
    help = "Manage people."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser(
            "import", help="import people.csv (header: " + ",".join(actions.CSV_HEADER) + ")"
        )
        imp.add_argument("file")
        exp = sub.add_parser("export", help="write everything held about a person (a zip)")
        exp.add_argument("username")
        exp.add_argument("--out", required=True)
        era = sub.add_parser("erase", help="erase a person's profile and private data")
        era.add_argument("username")
        for verb in ("grant", "revoke"):
            cap = sub.add_parser(verb, help=f"{verb} a capability (executive, people-analytics)")
            cap.add_argument("username")
            cap.add_argument("capability", metavar="executive|people-analytics")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "export":
            data = actions.export_person(None, opts["username"])
            out = Path(opts["out"])
            try:
                with atomic_file(out) as tmp:
                    tmp.write_bytes(data)
            except OSError as exc:
                raise Invalid(f"{out}: cannot write ({exc.strerror or exc})") from None
            self.stdout.write(str(out))
            return
        if opts["sub"] in ("grant", "revoke"):
            self.stdout.write(_change_capability(opts["sub"], opts["username"], opts["capability"]))
            return
        if opts["sub"] == "erase":
            person = actions.erase_person(None, opts["username"])
            self.stdout.write(f"erased: {opts['username']} is now {person.name}")
            return
        path = Path(opts["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file", returncode=2)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})", returncode=2)
        report = actions.import_people(None, text)
        self.stdout.write(f"{report.created} created, {report.updated} updated from {path}")


def _change_capability(verb: str, username: str, capability: str) -> str:
    """Grant or revoke a capability as the system; the line to print."""
    if verb == "grant":
        actions.grant_capability(None, username, capability)
        return f"granted: {username} holds {capability}"
    held = actions.revoke_capability(None, username, capability)
    return f"revoked: {username} no longer holds {capability}" + (
        "" if held else " (they did not hold it)"
    )
