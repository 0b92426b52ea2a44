"""Search what the viewer may read: ranked, highlighted, filtered, a page at a time.

Who may find a document is decided by the existing permission queries, compiled into the
search statement as subqueries (never a second statement of the rules): posts, replies, wiki
pages and articles by `workspaces.queries.readable_workspace_ids` (public workspaces and the
viewer's own), workspaces by `list_workspaces_for` (what the directory lists: secret ones only
to their members), people by `people.queries.list_people_for` (active people). The index holds
only what every reader of a workspace may read (actions drop what is deleted or hidden), so a
membership change needs no index write: a person removed from a workspace stops finding its
content with their next search. Counts are taken under the same filter.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from lumoflow.core.errors import Invalid, NotFound, UnknownReference
from lumoflow.core.pagination import clamp_limit, decode_cursor, encode_cursor
from lumoflow.core.sql import Frozen
from lumoflow.people import queries as people_queries
from lumoflow.people.models import User, Viewer
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Workspace

from . import engine, terms
from .models import Kind

#: Kinds read by the readers of their workspace.
CONTENT_KINDS = (Kind.POST, Kind.REPLY, Kind.WIKI, Kind.ARTICLE)


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: what it is, where, by whom, and a snippet with the matched words marked."""

    kind: str
    object_id: int
    title: str
    snippet: SafeString
    created_at: datetime
    workspace_id: int | None
    workspace_name: str
    author_username: str
    author_name: str


@dataclass(frozen=True, slots=True)
class Results:
    hits: list[Hit]
    next: str | None
    counts: dict[str, int] = field(default_factory=dict)
    """Matches per kind under every filter but the kind, counting only what the viewer may read."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str = ""
    workspace_id: int | None = None
    author_id: int | None = None
    since: datetime | None = None
    before: datetime | None = None


# The permission queries, precompiled (`core.sql.Frozen`: the viewer's id is the one value that
# varies, which Frozen checks): compiling them for every search cost more than running it.
_READABLE = Frozen(lambda viewer: ws_queries.readable_workspace_ids(viewer).order_by())
_LISTED = Frozen(lambda viewer: ws_queries.list_workspaces_for(viewer).order_by().values("id"))
# The same for every signed-in viewer (no id varies): compiled once per process.
_PEOPLE: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _people_sql() -> tuple[str, tuple[Any, ...]]:
    found = _PEOPLE.get(connection.vendor)
    if found is None:
        found = people_queries.listed_people().order_by().values("id").query.sql_with_params()
        _PEOPLE[connection.vendor] = found
    return found


def _permission(viewer: User) -> tuple[str, list[Any]]:
    """The condition on `d` that a document is one the viewer may read, from the permission
    queries themselves."""
    readable, r = _READABLE.sql(viewer=viewer.pk)
    listed, w = _LISTED.sql(viewer=viewer.pk)
    people, p = _people_sql()
    kinds = ", ".join(f"'{k}'" for k in CONTENT_KINDS)
    return (
        f"(d.kind IN ({kinds}) AND d.workspace_id IN ({readable}))"
        f" OR (d.kind = '{Kind.WORKSPACE}' AND d.workspace_id IN ({listed}))"
        f" OR (d.kind = '{Kind.PERSON}' AND d.object_id IN ({people}))",
        [*r, *w, *p],
    )


def _filters(f: Filters, *, with_kind: bool) -> tuple[str, list[Any]]:
    parts: list[str] = ["1 = 1"]
    params: list[Any] = []
    if with_kind and f.kind:
        parts.append("d.kind = %s")
        params.append(f.kind)
    if f.workspace_id is not None:
        parts.append("d.workspace_id = %s")
        params.append(f.workspace_id)
    if f.author_id is not None:
        parts.append("d.author_id = %s")
        params.append(f.author_id)
    for op, at in ((">=", f.since), ("<", f.before)):
        if at is not None:
            parts.append(f"d.created_at {op} %s")
            params.append(connection.ops.adapt_datetimefield_value(at))
    return " AND ".join(parts), params


def _where(viewer: User, f: Filters, *, with_kind: bool) -> tuple[str, list[Any]]:
    perm, p = _permission(viewer)
    rest, r = _filters(f, with_kind=with_kind)
    return f"({perm}) AND {rest}", [*p, *r]


def _match(terms_: tuple[terms.Term, ...]) -> str:
    if connection.vendor == "sqlite":
        return engine.fts5_match(terms_)
    return engine.pg_tsquery(terms_)


def highlight(snippet: str) -> SafeString:
    """Escape a snippet's text and turn the engine's marks into <mark> tags (only those)."""
    text = html.escape(snippet.replace("\n", " "))
    return mark_safe(  # noqa: S308 - escaped above; only the two marks become tags
        text.replace(engine.MARK_START, "<mark>").replace(engine.MARK_END, "</mark>")
    )


def _position(cursor: str | None) -> tuple[float, int] | None:
    if not cursor:
        return None
    values = decode_cursor(cursor)
    if len(values) != 2 or not isinstance(values[0], float) or not isinstance(values[1], int):
        raise UnknownReference(
            "The cursor is not one this API gave out; start again without it.",
            errors={"cursor": ["Unknown or altered cursor."]},
        )
    return values[0], values[1]


def _ranked(
    match: str, where: str, params: list[Any], after: tuple[float, int] | None, n: int
) -> list[tuple[Any, ...]]:
    source, rank = engine.ranked_sql(connection.vendor, where)
    outer, extra = "", []
    if after is not None:
        outer, extra = (
            "WHERE (r.rank > %s OR (r.rank = %s AND r.id > %s))",
            [
                after[0],
                after[0],
                after[1],
            ],
        )
    sql = (
        f"SELECT r.* FROM (SELECT d.id, {rank} AS rank, d.kind, d.object_id, d.workspace_id, "
        f"d.author_id, d.title, d.created_at FROM {source}) r {outer} "
        f"ORDER BY r.rank, r.id LIMIT %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [match, *params, *extra, n])
        return list(cur.fetchall())


def _counts(match: str, where: str, params: list[Any]) -> dict[str, int]:
    source, _ = engine.ranked_sql(connection.vendor, where)
    with connection.cursor() as cur:
        cur.execute(f"SELECT d.kind, COUNT(*) FROM {source} GROUP BY d.kind", [match, *params])
        return {k: int(n) for k, n in cur.fetchall()}


def _snippets(match: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(engine.snippet_sql(connection.vendor, len(ids)), [match, *ids])
        return {int(i): s or "" for i, s in cur.fetchall()}


def _hits(rows: list[tuple[Any, ...]], snippets: dict[int, str]) -> list[Hit]:
    ws_ids = {r[4] for r in rows if r[4] is not None}
    names = dict(Workspace.objects.filter(pk__in=ws_ids).values_list("pk", "name"))
    authors = {
        u.pk: u
        for u in User.objects.filter(pk__in={r[5] for r in rows if r[5] is not None}).only(
            "username", "display_name", "first_name", "last_name"
        )
    }
    hits = []
    for doc_id, _rank, kind, object_id, ws_id, author_id, title, created_at in rows:
        author = authors.get(author_id)
        if isinstance(created_at, str):  # SQLite through a raw cursor
            created_at = datetime.fromisoformat(created_at)
        hits.append(
            Hit(
                kind=kind,
                object_id=int(object_id),
                title=title,
                snippet=highlight(snippets.get(doc_id, "")),
                created_at=created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC),
                workspace_id=ws_id,
                workspace_name=names.get(ws_id, ""),
                author_username=author.username if author else "",
                author_name=author.name if author else "",
            )
        )
    return hits


def filters_for(
    viewer: User,
    *,
    kind: str = "",
    workspace: Any = None,
    author: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Filters:
    """Check the filters against what the viewer may see: an unknown kind is Invalid, a
    workspace or person the viewer cannot see names nothing (UnknownReference, as the API's
    404 for a field), days are whole UTC days from `date_from` through `date_to`."""
    if kind and kind not in Kind.values:
        raise Invalid(
            f"type must be one of: {', '.join(Kind.values)}.",
            errors={"type": [f"Must be one of: {', '.join(Kind.values)}."]},
        )
    ws_id = person_id = None
    unknown: dict[str, list[str]] = {}
    try:
        if workspace not in (None, ""):
            ws_id = ws_queries.get_workspace_for(viewer, workspace).pk
    except NotFound as exc:
        unknown["workspace"] = [exc.detail]
    try:
        if author:
            person_id = people_queries.get_person_for(viewer, author).pk
    except NotFound as exc:
        unknown["author"] = [exc.detail]
    if unknown:
        raise UnknownReference(" ".join(m for ms in unknown.values() for m in ms), errors=unknown)
    if date_from and date_to and date_to < date_from:
        message = "The end day comes before the start day."
        raise Invalid(message, errors={"to": [message]})
    return Filters(
        kind=kind,
        workspace_id=ws_id,
        author_id=person_id,
        since=datetime.combine(date_from, time(), UTC) if date_from else None,
        before=datetime.combine(date_to + timedelta(days=1), time(), UTC) if date_to else None,
    )


def search_for(
    viewer: Viewer,
    q: str,
    *,
    filters: Filters | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Results:
    """Documents matching every term of `q` that the viewer may read, best first.

    Raises Invalid (field `q`) for a query with no word, too long or with too many words, and
    UnknownReference for a cursor this search never gave out. An anonymous viewer finds nothing.
    """
    parsed = terms.parse(q)
    n = clamp_limit(limit)
    after = _position(cursor)
    if not isinstance(viewer, User):
        return Results([], None, {})
    f = filters or Filters()
    match = _match(parsed)
    where, params = _where(viewer, f, with_kind=True)
    rows = _ranked(match, where, params, after, n + 1)
    more = len(rows) > n
    rows = rows[:n]
    nxt = encode_cursor([float(rows[-1][1]), int(rows[-1][0])]) if more else None
    cwhere, cparams = _where(viewer, f, with_kind=False)
    counts = _counts(match, cwhere, cparams)
    hits = _hits(rows, _snippets(match, [int(r[0]) for r in rows]))
    return Results(hits, nxt, counts)


def workspace_choices_for(viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of the workspaces the viewer sees listed, for the page's filter."""
    listed = ws_queries.list_workspaces_for(viewer)
    return list(listed.values_list("id", "name"))
