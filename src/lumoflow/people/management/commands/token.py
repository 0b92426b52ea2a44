"""`lumoflow token create USERNAME`: print a new personal access token (last line of stdout)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lumoflow.people import actions


class Command(BaseCommand):
    help = "Manage personal access tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        create = sub.add_parser("create", help="create a token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="cli")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active person with username '{opts['username']}'", returncode=2)
        _, raw = actions.create_token(user, name=opts["name"])
        self.stdout.write(raw)
