"""Concurrent writers: 8 clients creating check-ins for 30 s on SQLite.

Eight facilitators of one workspace, each with a personal access token, post check-ins
(`POST /api/v1/key-results/{id}/check-ins`) to the production server as fast as it answers, each
on a key result of the workspace's objective. SQLite allows one writer at a time: the server must
queue them (IMMEDIATE transactions and the busy timeout) rather than fail.

Figures: check-ins per second as a ratio of the bare `/hello` endpoint measured in the same
server and run (before and after the writers; the mean of the two), p50/p95 latency, and the
number of "database is locked" errors and 5xx answers (target: zero). Afterwards the database
must hold exactly one check-in and one `check_in` ActivityEvent per 201 answer.
"""

from __future__ import annotations

import json
from typing import Any

from bench import common

WRITERS = 8
DURATION = 30.0


def seed(writers: int, people: int) -> dict[str, Any]:
    """One workspace with `writers` facilitators (who may check in), each holding a token and a
    key result of their own.

    Runs in a child process with Django set up (see `common.Site.call`).
    """
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lumoflow.people import actions as people_actions
    from lumoflow.workspaces import actions

    with transaction.atomic():
        usernames = common.seed_people(people)
        writer_names = usernames[:writers]
        owner = get_user_model().objects.get(username=writer_names[0])
        ws = actions.create_workspace(
            owner, name="Quarterly close", purpose="Close the quarter's books in five days."
        )
        for name in writer_names[1:]:
            actions.add_member(owner, ws.pk, username=name, role="facilitator")
        today = dt.date.today()
        objective = actions.create_objective(
            owner,
            ws.pk,
            title="Close faster",
            start=str(today - dt.timedelta(days=10)),
            end=str(today + dt.timedelta(days=80)),
            key_results=[
                {
                    "metric_name": f"Ledgers reconciled ({name})",
                    "baseline": 0,
                    "target": 1000,
                    "due": str(today + dt.timedelta(days=80)),
                }
                for name in writer_names
            ],
        )
        kr_ids = list(objective.key_results.order_by("pk").values_list("pk", flat=True))
        tokens = [
            people_actions.create_token(get_user_model().objects.get(username=n), name="bench")[1]
            for n in writer_names
        ]
    return {"tokens": tokens, "key_results": kr_ids}


def stored_check_ins() -> dict[str, int]:
    """Count check-ins and their ActivityEvents (runs in a child process)."""
    from lumoflow.activity.models import ActivityEvent, Verb
    from lumoflow.workspaces.models import CheckIn

    return {
        "check_ins": CheckIn.objects.count(),
        "events": ActivityEvent.objects.filter(verb=Verb.CHECK_IN).count(),
    }


def write(server: common.Server, data: dict[str, Any], duration: float) -> common.LoadResult:
    """Run the writers: client c posts to key result c with token c."""
    tokens, krs = data["tokens"], data["key_results"]

    def url(client: int, seq: int) -> str:
        return server.url(f"/api/v1/key-results/{krs[client % len(krs)]}/check-ins")

    def body(client: int, seq: int) -> bytes:
        note = f"Writer {client}, check-in {seq}."
        return json.dumps({"value": seq % 1000, "confidence": seq % 11, "note": note}).encode()

    return common.post_as_writers(url, tokens, body, duration)


def run() -> list[dict[str, Any]]:
    return common.writers_benchmark(
        "check-in",
        seed=seed,
        write=write,
        stored=stored_check_ins,
        stored_key="check_ins",
        writers=WRITERS,
        duration=DURATION,
    )
