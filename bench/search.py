"""Full-text search: p95 of a search as a person runs it, against a bare FTS5 query of the same
words in the same process.

A scratch SQLite site holds 1,000 people, 100 workspaces (70 public, 20 private, 10 secret, 30
members each) and 1,000,000 post documents plus 50,000 wiki-like documents (a title and a longer
body) in the search index (all sizes times LUMOFLOW_BENCH_SCALE). The documents are written
through `search.index.put_many`, the path the actions and `lumoflow reindex` take, in batches;
the posts themselves are not created (search reads the documents, the workspaces, memberships
and people only). Text is drawn from a 5,000-word vocabulary with Zipf-like frequencies; two
"common" words each appear in about 1% of the documents, one "rare" word in about 0.01%.

Two queries, each run for eight readers (members of ten workspaces each) in turn:
- `common rare`: a common word and the rare one,
- `common common`: the two common words.

Each is measured three ways, 60 times, interleaved, the same connection:
- raw: `SELECT rowid, bm25(...) FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25 LIMIT 20`
  (the engine alone, no permission filter, no text);
- search: `search.queries.search_for` (parsing, the permission-filtered ranked query, the counts
  per type, snippets, workspace and author names);
- page: GET /search?q=… through Django's test client in the same process (middleware, session,
  the query above and the page's template).
Figures: the p95 of search and page in ms (target ≤ 100 ms) and their ratio to raw's p95
(target: no more than 5× raw, a ratio ≥ 0.2 as `common.figure` reports lower-is-better ratios).

With LUMOFLOW_BENCH_DATABASE_URL naming an empty PostgreSQL database, the same runs there instead
(figures named "(PostgreSQL)"): the index is the generated `tsvector` column with its GIN index,
and raw is a bare `tsv @@ to_tsquery(...)` of the same words ranked by `ts_rank`, 20 rows.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench import common

PEOPLE = 1000
WORKSPACES = 100
MEMBERS = 30
POSTS = 1_000_000
WIKI = 50_000
READERS = 8
RUNS = 60
BATCH = 20_000
COMMON = ("harbour", "lantern")
RARE = "zeppelin"


def _vocabulary(n: int) -> list[str]:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: list[str] = []
    i = 0
    while len(words) < n:
        a, b, c, d = i % 16, (i // 16) % 5, (i // 80) % 16, (i // 1280) % 5
        w = consonants[a] + vowels[b] + consonants[c] + vowels[d] + consonants[(i * 7) % 16]
        if w not in COMMON and w != RARE:
            words.append(w)
        i += 1
    return words


def seed(people: int, workspaces: int, posts: int, wiki: int) -> dict[str, Any]:
    """People, workspaces and readers through the actions; documents through the index."""
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from lumoflow.people import actions as people_actions
    from lumoflow.search import index

    started = time.perf_counter()
    with transaction.atomic():
        usernames = common.seed_people(people)
        ws_ids = []
        for i in range(workspaces):
            visibility = "public" if i % 10 < 7 else ("private" if i % 10 < 9 else "secret")
            members = [usernames[(i * 11 + k * 17) % len(usernames)] for k in range(MEMBERS)]
            ws_ids.append(
                common.seed_workspace(
                    owner=members[0],
                    name=f"Workspace {i + 1:03d}",
                    members=members,
                    visibility=visibility,
                    check_ins=0,
                )
            )
        readers = []
        for r in range(READERS):
            name = f"reader{r}"
            people_actions.create_person(None, username=name, email=f"{name}@example.com")
            readers.append(name)
    from lumoflow.workspaces import actions as ws_actions
    from lumoflow.workspaces.models import Workspace

    users = get_user_model().objects
    with transaction.atomic():
        for r, name in enumerate(readers):
            for k in range(10):
                ws = Workspace.objects.get(pk=ws_ids[(r * 13 + k * 7) % len(ws_ids)])
                ws_actions.add_member(ws.created_by, ws.pk, username=name, role="member")
    people_seconds = time.perf_counter() - started

    rng = np.random.default_rng(14)
    vocab = np.array(_vocabulary(5000))
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.07
    weights /= weights.sum()
    author_ids = list(users.filter(username__in=usernames).values_list("pk", flat=True))
    now = timezone.now()
    started = time.perf_counter()

    def docs(kind: str, n: int, words: int, offset: int) -> None:
        for lo in range(0, n, BATCH):
            m = min(BATCH, n - lo)
            picks = rng.choice(len(vocab), size=(m, words), p=weights)
            text = [" ".join(row) for row in vocab[picks]]
            for word in COMMON:
                for j in np.flatnonzero(rng.random(m) < 0.01):
                    text[j] += " " + word
            for j in np.flatnonzero(rng.random(m) < 0.0001):
                text[j] += " " + RARE
            ws = rng.integers(0, len(ws_ids), size=m)
            au = rng.integers(0, len(author_ids), size=m)
            with transaction.atomic():
                index.put_many(
                    (
                        index.Doc(
                            kind,
                            offset + lo + j + 1,
                            ws_ids[int(ws[j])],
                            author_ids[int(au[j])],
                            " ".join(text[j].split()[:4]).title() if kind == "wiki" else "",
                            text[j],
                            now,
                        )
                        for j in range(m)
                    ),
                    batch_size=2000,
                )

    docs("post", posts, 40, 0)
    docs("wiki", wiki, 150, 0)
    from lumoflow.core.sql import refresh_statistics

    refresh_statistics()
    return {
        "readers": readers,
        "seed_people_seconds": people_seconds,
        "seed_documents_seconds": time.perf_counter() - started,
    }


def _raw(vendor: str, parsed: Any) -> tuple[str, str]:
    """The engine alone: the match of the same words, ranked, 20 rows, no filter, no text."""
    from lumoflow.search import engine

    if vendor == "sqlite":
        return engine.fts5_match(parsed), (
            f"SELECT rowid, bm25({engine.FTS}, 4.0, 1.0) AS r FROM {engine.FTS} "
            f"WHERE {engine.FTS} MATCH %s ORDER BY r LIMIT 20"
        )
    return engine.pg_tsquery(parsed), (
        "SELECT d.id, ts_rank(d.tsv, query, 1) AS r FROM search_document d, "
        f"to_tsquery('{engine.PG_CONFIG}', %s) query WHERE d.tsv @@ query "
        "ORDER BY r DESC LIMIT 20"
    )


def measure(readers: list[str], runs: int) -> dict[str, Any]:
    """p95 (ms) of raw, search and page for each query, interleaved."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from lumoflow.search import queries, terms

    users = get_user_model().objects
    viewers = [users.get(username=r) for r in readers]
    clients = []
    for v in viewers:
        c = Client()
        c.force_login(v)
        clients.append(c)
    out: dict[str, Any] = {}
    for label, q in (("common rare", f"{COMMON[0]} {RARE}"), ("common common", " ".join(COMMON))):
        match, raw_sql = _raw(connection.vendor, terms.parse(q))
        times: dict[str, list[float]] = {"raw": [], "search": [], "page": []}
        found = {"raw": 0, "search": 0, "total": 0}
        for i in range(runs):
            k = i % len(viewers)
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(raw_sql, [match])
                found["raw"] = len(cur.fetchall())
            t1 = time.perf_counter()
            res = queries.search_for(viewers[k], q)
            t2 = time.perf_counter()
            r = clients[k].get("/search", {"q": q})
            t3 = time.perf_counter()
            assert r.status_code == 200, r.status_code
            found["search"], found["total"] = len(res.hits), res.total
            times["raw"].append((t1 - t0) * 1000)
            times["search"].append((t2 - t1) * 1000)
            times["page"].append((t3 - t2) * 1000)
        out[label] = {
            "q": q,
            **{f"p95_{k}": common.percentile(v, 95) for k, v in times.items()},
            **{f"p50_{k}": common.percentile(v, 50) for k, v in times.items()},
            "found": found,
        }
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM search_document")
        out["documents"] = cur.fetchone()[0]
    return out


def run() -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    # LUMOFLOW_BENCH_DATABASE_URL: an empty PostgreSQL database to run on instead of SQLite
    url = os.environ.get("LUMOFLOW_BENCH_DATABASE_URL")
    on = " (PostgreSQL)" if url else ""
    with common.scratch_site(database_url=url) as site:
        seeded = site.call(
            seed,
            people=common.scaled(PEOPLE, minimum=40),
            workspaces=common.scaled(WORKSPACES, minimum=10),
            posts=common.scaled(POSTS, minimum=2_000),
            wiki=common.scaled(WIKI, minimum=100),
        )
        m = site.call(measure, readers=seeded["readers"], runs=RUNS)
    docs = m.pop("documents")
    print(
        f"search{on}: {docs:,} documents; seeded people in {seeded['seed_people_seconds']:.0f} s, "
        f"documents in {seeded['seed_documents_seconds']:.0f} s",
        flush=True,
    )
    for label, r in m.items():
        print(f"search{on} {label} ({r['q']!r}): {r}", flush=True)
        for kind in ("search", "page"):
            results.append(
                common.figure(
                    f"search{on} {label}: {kind} p95",
                    r[f"p95_{kind}"],
                    "ms",
                    baseline=r["p95_raw"],
                    target=0.2,
                    higher_is_better=False,
                )
            )
            results.append(
                common.figure(
                    f"search{on} {label}: {kind} p95 (absolute)",
                    r[f"p95_{kind}"],
                    "ms",
                    target=100,
                    higher_is_better=False,
                )
            )
    return results
