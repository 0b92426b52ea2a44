"""`lumoflow demo`: fill an empty database with the demo company and its year."""

from __future__ import annotations

import secrets
import sys
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lumoflow.demo.generate import DemoOptions, generate
from lumoflow.demo.summary import write_summary
from lumoflow.workspaces.models import Workspace

MIN_PEOPLE, MAX_PEOPLE = 60, 50_000
MAX_MONTHS = 36


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _until(value: str | None) -> date:
    today = date.today()
    if value is None:
        return today
    try:
        until = date.fromisoformat(value)
    except ValueError:
        raise _bad(f"--until '{value}' is not a date like 2026-06-30")
    if until > today:
        raise _bad(f"--until {until} is in the future (today is {today})")
    if until.year < 2000:
        raise _bad(f"--until {until} is before 2000")
    return until


class Command(BaseCommand):
    help = "Fill an empty database with the demo company and a year of its conversation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=300, help="people (60–50000)")
        parser.add_argument("--months", type=int, default=12, help="months of history (1–36)")
        parser.add_argument("--seed", type=int, default=7, help="random seed")
        parser.add_argument("--until", help="last day of the history (default: today)")
        parser.add_argument("--password", default="", help="the shared demo password")
        parser.add_argument("--force", action="store_true", help="wipe a non-empty database first")
        parser.add_argument("--yes", action="store_true", help="do not ask before wiping")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not MIN_PEOPLE <= opts["people"] <= MAX_PEOPLE:
            raise _bad(
                f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}, not {opts['people']}"
            )
        if not 1 <= opts["months"] <= MAX_MONTHS:
            raise _bad(f"--months must be between 1 and {MAX_MONTHS}, not {opts['months']}")
        if opts["seed"] < 0:
            raise _bad(f"--seed must be 0 or more, not {opts['seed']}")
        until = _until(opts["until"])
        self._ensure_empty(opts["force"], opts["yes"])
        password = opts["password"] or secrets.token_urlsafe(9)
        options = DemoOptions(opts["people"], opts["months"], opts["seed"], until, password)
        result = generate(options, until=until, progress=lambda m: self.stderr.write(f"  {m}"))
        path = write_summary(result.summary)
        self._report(result.summary, password, str(path))

    def _ensure_empty(self, force: bool, yes: bool) -> None:
        people = get_user_model().objects.filter(is_superuser=False).count()
        workspaces = Workspace.objects.count()
        if not people and not workspaces:
            return
        what = f"{people} people and {workspaces} workspaces"
        if not force:
            raise _bad(
                f"the database is not empty ({what}); use --force to wipe it and load the demo"
            )
        if not yes:
            if not sys.stdin.isatty():
                raise _bad("--force needs confirmation: run it in a terminal or add --yes")
            answer = input(f"This deletes everything ({what}, administrators included). Type yes: ")
            if answer.strip().lower() != "yes":
                raise _bad("not wiped: the answer was not 'yes'")
        call_command("flush", interactive=False, verbosity=0)

    def _report(self, s: dict[str, Any], password: str, path: str) -> None:
        planted = s["planted"]
        out = self.stdout
        out.write(
            f"Demo company {s['company']}: {s['people']} people, "
            f"{len(s['workspaces'])} workspaces, "
            f"{s['counts']['events']:,} events from {s['start']} to {s['end'][:10]}, "
            f"in {s['seconds']:.1f} s."
        )
        out.write(f"Shared demo password (shown once): {password}")
        for role, login in s["logins"].items():
            out.write(f"  {role.replace('_', ' '):<16} {login['username']:<24} {login['title']}")
        out.write(
            f"Planted: fading '{planted['fading_workspace']['name']}', growing "
            f"'{planted['growing_workspace']['name']}', "
            f"steady '{planted['steady_workspace']['name']}', "
            f"silo department '{planted['silo']['department']}', brokers "
            f"{', '.join(planted['brokers'])}."
        )
        out.write(f"Summary: {path}")
