"""Prepare a database to serve: migrate, collect static files, ensure an administrator, demo."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from lumoflow.people import actions


class Command(BaseCommand):
    help = "Migrate, collect static files, ensure an administrator, demo data when empty."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo company")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self._admin()
        people = get_user_model().objects.filter(is_superuser=False).count()
        if not opts["no_demo"] and people == 0 and "demo" in get_commands():
            self.stderr.write("Loading the demo company into the empty database…")
            call_command("demo")
        else:
            self._remind_demo_logins()

    def _remind_demo_logins(self) -> None:
        """Show the demo's sign-in names again on later starts (the password was shown once)."""
        summary = Path(settings.DATA_DIR) / "demo.json"
        try:
            logins = json.loads(summary.read_text())["logins"]
        except (OSError, ValueError, KeyError):
            return
        self.stdout.write(
            "Demo logins (password shown when the demo was created; "
            "`lumoflow demo --force --yes` makes a new company and password):"
        )
        for role, who in logins.items():
            self.stdout.write(f"  {role.replace('_', ' '):<16} {who['username']}")

    def _admin(self) -> None:
        username = os.environ.get("LUMOFLOW_ADMIN_USERNAME")
        password = os.environ.get("LUMOFLOW_ADMIN_PASSWORD")
        users = get_user_model().objects
        if username and password:
            _, created = actions.ensure_admin(username, password)
            self.stdout.write(
                f"Administrator '{username}' {'created' if created else 'ensured'} "
                "from LUMOFLOW_ADMIN_USERNAME/LUMOFLOW_ADMIN_PASSWORD."
            )
        elif not users.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            actions.ensure_admin("admin", password)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Administrator created (shown once): username 'admin', password '{password}'"
                )
            )
