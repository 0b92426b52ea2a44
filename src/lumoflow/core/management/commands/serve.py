"""Serve the app with gunicorn (production server; static files via whitenoise) and one
background task worker (`lumoflow worker`) beside it, stopped with it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

#: How long the task worker may take to finish its task when the server stops.
WORKER_GRACE = 15


def _die_with_parent() -> None:
    """In a child, before it runs: receive SIGTERM when the process that started it dies
    (Linux), so a killed `serve` leaves no worker behind."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_worker() -> subprocess.Popen[bytes]:
    """Start `lumoflow worker` as a child process with this process's environment."""
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "lumoflow.cli", "worker"],
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 (before any thread of ours)
    )


def stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL when `proc` has not exited within `grace` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Command(BaseCommand):
    help = (
        "Serve LumoFlow with gunicorn on 127.0.0.1 (PORT or --port, default 8000) and one "
        "background task worker beside it (--no-worker: none; run `lumoflow worker` apart)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("LUMOFLOW_HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="start no task worker")

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
        if opts["no_worker"]:
            os.execv(sys.executable, argv)
        sys.exit(self.serve_with_worker(argv))

    def serve_with_worker(self, argv: list[str]) -> int:
        """Run gunicorn and the task worker as children; pass SIGTERM and SIGINT on to
        gunicorn; when gunicorn exits, stop the worker (it finishes its task first)."""
        worker = start_worker()
        server = subprocess.Popen(argv, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509

        def forward(signum: int, _frame: Any) -> None:
            with contextlib.suppress(ProcessLookupError):
                server.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        try:
            return server.wait()
        finally:
            stop(server, WORKER_GRACE)
            stop(worker, WORKER_GRACE)
