"""gunicorn settings: each worker runs a periodic SQLite WAL checkpoint in a daemon thread."""

from __future__ import annotations

import threading
from typing import Any

graceful_timeout = 10
timeout = 60
CHECKPOINT_SECONDS = 300


def post_worker_init(worker: Any) -> None:
    """Keep the WAL file small: TRUNCATE-checkpoint every five minutes (idempotent, cheap);
    start the chart renderer's runtime in the background (`charts.render.warm_up`): the worker
    takes requests at once, and its first chart does not pay for the start."""
    from lumoflow.charts.render import warm_up

    warm_up()

    def loop() -> None:
        from django.db import connection

        while not stop.wait(CHECKPOINT_SECONDS):
            if connection.vendor == "sqlite":
                with connection.cursor() as cur:
                    cur.execute("PRAGMA wal_checkpoint(PASSIVE)")

    stop = threading.Event()
    threading.Thread(target=loop, name="wal-checkpoint", daemon=True).start()
