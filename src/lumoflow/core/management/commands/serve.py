"""Serve the app with gunicorn (production server; static files via whitenoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve LumoFlow with gunicorn on 127.0.0.1 (PORT or --port, default 8000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("LUMOFLOW_HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 1 <= opts["port"] <= 65535:
            raise CommandError(f"--port {opts['port']} is not a port number (1–65535).")
        self.stdout.write(f"LumoFlow is at http://{opts['host']}:{opts['port']}/ (Ctrl-C stops it)")
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "lumoflow.config.wsgi:application",
            "--config",
            "python:lumoflow.config.gunicorn",
            "--bind",
            f"{opts['host']}:{opts['port']}",
            "--workers",
            str(opts["workers"]),
            "--threads",
            str(opts["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)
