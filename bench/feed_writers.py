"""Post creation with 8 concurrent writers on SQLite for 30 s.

Eight members of one workspace, each with a personal access token, create posts
(`POST /api/v1/workspaces/{id}/posts`, Markdown with a mention and a hashtag every few posts) on
the production server as fast as it answers. SQLite allows one writer at a time: the server must
queue them (IMMEDIATE transactions, busy timeout) rather than fail. Each post also writes its
ActivityEvent, its mention and hashtag rows and, after commit, the mentioned person's
notification.

Figures: posts per second as a ratio of `/hello` on the same server and run (mean of before and
after), p50/p95 latency, and "database is locked" errors and failed requests (target: zero).
Afterwards the database must hold exactly one post and one `post` event per 201 answer.
"""

from __future__ import annotations

import json
from typing import Any

from bench import common

WRITERS = 8
DURATION = 30.0


def seed(writers: int, people: int) -> dict[str, Any]:
    """One workspace with `writers` members, each holding a token (runs in a child process)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lumoflow.people import actions as people_actions
    from lumoflow.workspaces import actions

    with transaction.atomic():
        usernames = common.seed_people(people)
        names = usernames[:writers]
        users = get_user_model().objects
        owner = users.get(username=names[0])
        ws = actions.create_workspace(
            owner, name="Launch room", purpose="Ship the launch and keep everyone in the loop."
        )
        for name in names[1:]:
            actions.add_member(owner, ws.pk, username=name)
        tokens = [
            people_actions.create_token(users.get(username=n), name="bench")[1] for n in names
        ]
    return {"workspace": ws.pk, "tokens": tokens, "names": names}


def stored() -> dict[str, int]:
    from lumoflow.activity.models import ActivityEvent, Verb
    from lumoflow.conversation.models import Post

    return {
        "posts": Post.objects.count(),
        "events": ActivityEvent.objects.filter(verb=Verb.POST).count(),
    }


def write(server: common.Server, data: dict[str, Any], duration: float) -> common.LoadResult:
    tokens, names = data["tokens"], data["names"]
    url = server.url(f"/api/v1/workspaces/{data['workspace']}/posts")

    def body(client: int, seq: int) -> bytes:
        text = f"Update {seq} from writer {client}: the **pilot** numbers are in."
        if seq % 4 == 0:
            text += f" @{names[(client + 1) % len(names)]} please check #pilots"
        kind = "question" if seq % 5 == 0 else "update"
        return json.dumps({"kind": kind, "body": text}).encode()

    return common.post_as_writers(url, tokens, body, duration)


def run() -> list[dict[str, Any]]:
    return common.writers_benchmark(
        "post",
        seed=seed,
        write=write,
        stored=stored,
        stored_key="posts",
        writers=WRITERS,
        duration=DURATION,
    )
