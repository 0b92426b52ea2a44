"""Reading feeds: the home feed and the workspace feed (first page of 20) vs `/hello`.

The production server (`lumoflow serve`) on SQLite holding 1,000 people, 100 public workspaces
and 1,000,000 posts and replies (seeded through `conversation.actions.bulk_create_posts`, in
batches, with their activity events, reactions on some). Eight readers, each signed in with a
session cookie, member of ten workspaces, following ten workspaces and twenty people, load
their home feed, and workspace feeds in turn (so most views they record are new). Each is
compared with the bare JSON `/hello` of the same server in the same run; rounds are interleaved
(hello, home, workspace, …) and the median round is kept.

Newcomers, each a member of one workspace and following nothing yet, load their home feed too:
what they may see is a sliver of the site, the case where a feed read newest-first over all posts
would walk back through most of them.

Both feeds are measured as pages (the home page; the workspace page, which also shows the
workspace's objectives, members and unanswered questions) and through the API
(`/api/v1/feed`, `/api/v1/workspaces/{id}/posts`, with personal access tokens).

Targets: throughput ratio ≥ 0.25 of hello and p95 ≤ 50 ms. A second server on the same database
with view recording off (`LUMOFLOW_RECORD_VIEWS=0`), running beside the first and measured in the
same rounds, case by case, measures what recording the views costs: the feed with views must keep
at least 80% of its throughput without.

With LUMOFLOW_BENCH_DATABASE_URL naming an empty PostgreSQL database, the same runs there (the
targets are SQLite's; PostgreSQL shares the machine's cores with the servers and the load).
"""

from __future__ import annotations

import dataclasses
import os
import random
from typing import Any

from bench import common

PEOPLE = 1000
WORKSPACES = 100
MEMBERS = 30
POSTS = 1_000_000
READERS = 8
NEWCOMERS = 4
PASSWORD = "bench-feed-reader-3b9e"
ROUNDS = 3
CONCURRENCY = 8
BATCH = 20_000


def _members(ws_index: int, usernames: list[str]) -> list[str]:
    return [usernames[(ws_index * 11 + k * 17) % len(usernames)] for k in range(MEMBERS)]


def seed_org(people: int, workspaces: int) -> dict[str, Any]:
    """People, workspaces (public, 30 members each) and readers; returns ids for the posts."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lumoflow.conversation import actions as conv
    from lumoflow.people import actions as people_actions
    from lumoflow.workspaces import actions as ws_actions

    with transaction.atomic():
        usernames = common.seed_people(people)
        readers = [f"reader{i}" for i in range(READERS)]
        newcomers = [f"newcomer{i}" for i in range(NEWCOMERS)]
        tokens = []
        for name in newcomers:
            people_actions.create_person(
                None, username=name, email=f"{name}@example.com", password=PASSWORD
            )
        for name in readers:
            person = people_actions.create_person(
                None, username=name, email=f"{name}@example.com", password=PASSWORD
            )
            tokens.append(people_actions.create_token(person, name="bench")[1])
        ws_ids = [
            common.seed_workspace(
                owner=usernames[i % len(usernames)],
                name=f"Workspace {i + 1:03d}",
                members=_members(i, usernames),
                check_ins=1,
            )
            for i in range(workspaces)
        ]
        users = get_user_model().objects
        for r, name in enumerate(newcomers):  # a member of one workspace, following nothing yet
            ws_actions.join_workspace(users.get(username=name), ws_ids[r % len(ws_ids)])
        for r, name in enumerate(readers):
            reader = users.get(username=name)
            for k in range(min(10, len(ws_ids))):
                wid = ws_ids[(r * 10 + k) % len(ws_ids)]
                ws_actions.join_workspace(reader, wid)
                conv.follow(reader, workspace_id=ws_ids[(r * 10 + k + 50) % len(ws_ids)])
            for k in range(20):
                conv.follow(reader, username=usernames[(r * 37 + k * 13) % len(usernames)])
    ids = dict(users.filter(username__in=usernames).values_list("username", "pk"))
    authors = {wid: [ids[u] for u in _members(i, usernames)] for i, wid in enumerate(ws_ids)}
    owners = {wid: ids[usernames[i % len(usernames)]] for i, wid in enumerate(ws_ids)}
    return {
        "workspaces": ws_ids,
        "authors": authors,
        "owners": owners,  # announcements are the owners' (and facilitators') to post
        "readers": readers,
        "newcomers": newcomers,
        "tokens": tokens,
    }


WORDS = [
    "launch",
    "plan",
    "customer",
    "pilot",
    "review",
    "budget",
    "numbers",
    "sprint",
    "release",
    "roadmap",
    "risk",
    "metric",
    "design",
    "feedback",
    "onboarding",
    "hiring",
    "quarter",
    "target",
    "deadline",
    "demo",
    "partner",
    "contract",
]


def seed_posts(
    total: int, authors: dict[str, list[int]], owners: dict[str, int], start: int = 0
) -> dict[str, Any]:
    """`total` posts and replies (40% replies) in batches through bulk_create_posts; the
    announcements among them by the workspace's owner."""
    import datetime as dt

    from lumoflow.conversation.actions import (
        PostRow,
        ReactionRow,
        bulk_add_reactions,
        bulk_create_posts,
    )

    rng = random.Random(start)
    authors = {int(w): a for w, a in authors.items()}  # JSON turned the keys into text
    owner_of = {int(w): o for w, o in owners.items()}
    ws_ids = list(authors)
    kinds = ["update"] * 6 + ["question"] * 2 + ["idea", "decision", "announcement"]
    t0 = dt.datetime.now(dt.UTC) - dt.timedelta(days=720)
    step = dt.timedelta(days=719) / max(total, 1)
    roots: dict[int, list[int]] = {w: [] for w in ws_ids}
    made = 0
    while made < total:
        n = min(BATCH, total - made)
        rows = []
        for i in range(n):
            w = rng.choice(ws_ids)
            author = rng.choice(authors[w])
            at = t0 + step * (made + i)
            body = " ".join(rng.choices(WORDS, k=rng.randint(6, 30))).capitalize() + "."
            if roots[w] and rng.random() < 0.4:
                parent = rng.choice(roots[w][-200:])
                rows.append(PostRow(author, w, body, at, parent_id=parent))
            else:
                if rng.random() < 0.02:
                    body += " #" + rng.choice(WORDS)
                kind = rng.choice(kinds)
                by = owner_of[w] if kind == "announcement" else author
                rows.append(PostRow(by, w, body, at, kind=kind))
        new = bulk_create_posts(rows)
        for row, pid in zip(rows, new, strict=True):
            if row.parent_id is None:
                roots[row.workspace_id].append(pid)
        reactions = [
            ReactionRow(rng.choice(authors[r.workspace_id]), pid, "👍", r.at)
            for r, pid in zip(rows, new, strict=True)
            if rng.random() < 0.1
        ]
        bulk_add_reactions(reactions)
        made += n
    return {"posts": made}


def refresh_statistics() -> None:
    from lumoflow.core.sql import refresh_statistics

    refresh_statistics()


def counts() -> dict[str, int]:
    from lumoflow.activity.models import ActivityEvent
    from lumoflow.conversation.models import Post

    return {
        "posts": Post.objects.count(),
        "views": ActivityEvent.objects.filter(verb="view", object_type="post").count(),
    }


def _cases(
    server: common.Server, data: dict[str, Any], cookies: list[str], newcomers: list[str]
) -> dict[str, Any]:
    ws = data["workspaces"]
    base = server.url("")

    def cookie(client: int, seq: int) -> dict[str, str]:
        return {"Cookie": cookies[client % len(cookies)]}

    def newcomer(client: int, seq: int) -> dict[str, str]:
        return {"Cookie": newcomers[client % len(newcomers)]}

    def bearer(client: int, seq: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {data['tokens'][client % len(data['tokens'])]}"}

    def ws_url(path: str) -> common.PerRequest:
        def url(client: int, seq: int) -> str:
            return base + path.format(ws[(client * 13 + seq) % len(ws)])

        return url

    return {
        "hello": {"url": base + "/hello"},
        "home": {"url": base + "/", "headers": cookie},
        "home_newcomer": {"url": base + "/", "headers": newcomer},
        "workspace": {"url": ws_url("/workspaces/{}"), "headers": cookie},
        "api_feed": {"url": base + "/api/v1/feed", "headers": bearer},
        "api_workspace": {"url": ws_url("/api/v1/workspaces/{}/posts"), "headers": bearer},
    }


def measure(
    servers: dict[str, tuple[common.Server, list[str], list[str]]], data: dict[str, Any]
) -> Any:
    """Interleaved rounds on both servers (views off, views on): hello, then each case on one
    server and at once on the other, so that both sides of every ratio meet the same machine."""
    cases = {key: _cases(server, data, *logins) for key, (server, *logins) in servers.items()}
    for per_server in cases.values():
        for case in per_server.values():
            common.load(
                **case, concurrency=CONCURRENCY, duration=common.seconds(1), max_requests=200
            )
    runs: dict[str, dict[str, list[common.LoadResult]]] = {
        key: {k: [] for k in per_server} for key, per_server in cases.items()
    }
    for _ in range(ROUNDS):
        for name in cases["on"]:
            for key, per_server in cases.items():
                runs[key][name].append(
                    common.load(
                        **per_server[name], concurrency=CONCURRENCY, duration=common.seconds(5)
                    )
                )
    return {
        key: {k: common.median_result(v) for k, v in per_case.items()}
        for key, per_case in runs.items()
    }


def _check(label: str, r: common.LoadResult) -> None:
    if r.errors:
        raise RuntimeError(f"{label}: {r.errors} errors, e.g. {r.error_samples}")


def figures(on: dict[str, Any], off: dict[str, Any]) -> list[dict[str, Any]]:
    hello = on["hello"]
    out: list[dict[str, Any]] = []
    labels = (
        ("home", "home feed page"),
        ("home_newcomer", "home feed page of a newcomer"),
        ("workspace", "workspace page with its feed"),
        ("api_feed", "GET /api/v1/feed"),
        ("api_workspace", "GET /api/v1/workspaces/{id}/posts"),
    )
    for key, label in labels:
        r = on[key]
        _check(label, r)
        _check(label + " (views off)", off[key])
        out += [
            common.figure(
                f"{label} throughput", r.throughput, "req/s", baseline=hello.throughput, target=0.25
            ),
            common.figure(f"{label} p50", r.p50, "ms", baseline=hello.p50, higher_is_better=False),
            common.figure(f"{label} p95", r.p95, "ms", target=50, higher_is_better=False),
            common.figure(
                f"{label} throughput with view recording vs without",
                r.throughput,
                "req/s",
                baseline=off[key].throughput,
                target=0.8,
            ),
        ]
    return out


def run() -> list[dict[str, Any]]:
    # LUMOFLOW_BENCH_DATABASE_URL: an empty PostgreSQL database to run on instead of SQLite
    with common.scratch_site(database_url=os.environ.get("LUMOFLOW_BENCH_DATABASE_URL")) as site:
        data = site.call(
            seed_org,
            people=common.scaled(PEOPLE, minimum=40),
            workspaces=common.scaled(WORKSPACES, minimum=3),
        )
        total = common.scaled(POSTS, minimum=500)
        chunk = 200_000
        for start in range(0, total, chunk):
            site.call(
                seed_posts,
                total=min(chunk, total - start),
                authors=data["authors"],
                owners=data["owners"],
                start=start,
            )
        site.call(refresh_statistics)  # as `lumoflow demo` does after its load
        print(f"    seeded: {site.call(counts)}", flush=True)
        readers = data["readers"]
        off_site = dataclasses.replace(site, env={**site.env, "LUMOFLOW_RECORD_VIEWS": "0"})
        with site.serve() as on, off_site.serve() as off:
            servers = {
                key: (
                    server,
                    [common.login_session(server.url(""), n, PASSWORD) for n in readers],
                    [common.login_session(server.url(""), n, PASSWORD) for n in data["newcomers"]],
                )
                for key, server in (("off", off), ("on", on))
            }
            results = measure(servers, data)
        for key in ("off", "on"):
            for k, r in results[key].items():
                print(f"    views {key}, {k}: {r.summary()}", flush=True)
        print(f"    after: {site.call(counts)}", flush=True)
    return figures(results["on"], results["off"])
