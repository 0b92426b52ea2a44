"""Reading a workspace: `GET /api/v1/workspaces/{id}` and the workspace page vs `/hello`.

The production server (`lumoflow serve`) on SQLite holding 1,000 people and 100 workspaces (each
with an owner, 20 members, an objective with two key results and a few check-ins). A member of
every workspace reads them in turn: through the API with a personal access token, and as pages
with the session cookie from signing in at /login. Each is compared with the bare JSON `/hello`
endpoint of the same server, measured in the same run: five rounds interleave hello, API and page,
and the round with the median ratio (against the hello run seconds before it) is reported, so
noise from other work on the machine hits both sides of each ratio alike.

Target: throughput ratio ≥ 0.35 for both. p50/p95 latencies are printed next to hello's.
"""

from __future__ import annotations

from typing import Any

from bench import common

PEOPLE = 1000
WORKSPACES = 100
MEMBERS_PER_WORKSPACE = 20
READER = "reader"
READER_PASSWORD = "bench-reader-password-7c1f"
TARGET = 0.35
ROUNDS = 5
CONCURRENCY = 8


def seed(people: int, workspaces: int, members: int) -> dict[str, Any]:
    """Create the people, workspaces and objectives through the actions; return ids and a token.

    Runs in a child process with Django set up (see `common.Site.call`).
    """
    from django.db import transaction

    from lumoflow.people import actions as people_actions

    with transaction.atomic():
        usernames = common.seed_people(people)
        reader = people_actions.create_person(
            None, username=READER, email="reader@example.com", password=READER_PASSWORD
        )
        ids = [
            common.seed_workspace(
                owner=usernames[i % len(usernames)],
                name=f"Workspace {i + 1:03d}",
                members=[usernames[(i * 7 + k) % len(usernames)] for k in range(members)]
                + [READER],
            )
            for i in range(workspaces)
        ]
        _, token = people_actions.create_token(reader, name="bench")
    return {"workspace_ids": ids, "token": token}


def _rotate(base: str, ids: list[int], path: str) -> common.PerRequest:
    """Spread the clients over the workspaces: client c's n-th request reads ids[(c*13+n) % len]."""

    def url(client: int, seq: int) -> str:
        return base + path.format(id=ids[(client * 13 + seq) % len(ids)])

    return url


def measure(server: common.Server, data: dict[str, Any], cookie: str) -> dict[str, Any]:
    """Run interleaved rounds of hello, API and page; return every round of each."""
    ids = data["workspace_ids"]
    base = server.url("")
    cases: dict[str, dict[str, Any]] = {
        "hello": {"url": base + "/hello"},
        "api": {
            "url": _rotate(base, ids, "/api/v1/workspaces/{id}"),
            "headers": {"Authorization": f"Bearer {data['token']}"},
        },
        "page": {"url": _rotate(base, ids, "/workspaces/{id}"), "headers": {"Cookie": cookie}},
    }
    # Warm up: every worker imports its views, opens its database connection, fills caches.
    for case in cases.values():
        common.load(**case, concurrency=CONCURRENCY, duration=common.seconds(1), max_requests=200)
    runs: dict[str, list[common.LoadResult]] = {k: [] for k in cases}
    duration = common.seconds(4)
    for _ in range(ROUNDS):
        for key, case in cases.items():
            runs[key].append(common.load(**case, concurrency=CONCURRENCY, duration=duration))
    return runs


def median_round(
    runs: list[common.LoadResult], hello: list[common.LoadResult]
) -> tuple[common.LoadResult, common.LoadResult]:
    """The round whose ratio to the hello run next to it is the median one, and that hello run.

    Ratios within a round compare measurements taken seconds apart, so slow drifts in the load
    other work puts on the machine cancel out.
    """
    order = sorted(range(len(runs)), key=lambda i: runs[i].throughput / (hello[i].throughput or 1))
    i = order[(len(order) - 1) // 2]
    return runs[i], hello[i]


def figures(runs: dict[str, list[common.LoadResult]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, label in (("api", "GET /api/v1/workspaces/{id}"), ("page", "workspace page")):
        errors = [s for r in runs[key] for s in r.error_samples]
        if errors:
            raise RuntimeError(f"{label}: errors, e.g. {errors[:3]}")
        r, hello = median_round(runs[key], runs["hello"])
        print(f"    {label}: {r.summary()}", flush=True)
        print(f"    hello next to it: {hello.summary()}", flush=True)
        out += [
            common.figure(
                f"{label} throughput",
                r.throughput,
                "req/s",
                baseline=hello.throughput,
                target=TARGET,
            ),
            common.figure(f"{label} p50", r.p50, "ms", baseline=hello.p50, higher_is_better=False),
            common.figure(f"{label} p95", r.p95, "ms", baseline=hello.p95, higher_is_better=False),
        ]
    return out


def run() -> list[dict[str, Any]]:
    with common.scratch_site() as site:
        data = site.call(
            seed,
            people=common.scaled(PEOPLE, minimum=5),
            workspaces=common.scaled(WORKSPACES, minimum=2),
            members=min(common.scaled(MEMBERS_PER_WORKSPACE, minimum=2), 20),
        )
        with site.serve() as server:
            cookie = common.login_session(server.url(""), READER, READER_PASSWORD)
            runs = measure(server, data, cookie)
    return figures(runs)
