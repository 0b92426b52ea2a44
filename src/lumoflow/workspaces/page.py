"""The workspace page: a header for the viewer around a body shared by everyone in the same role.

The body (head, purpose, objectives and key results, composer, the feed page, unanswered
questions, members) is the same for every viewer with the same role and membership, time zone
and filters, as long as nothing in the workspace changed and its relative times read the same:
it is built once and cached under the workspace's change marks (`core.marks`, read before
anything else on the page) and the parsed filters (`core.fragments`). Per request the page reads
the viewer's own state (session, follow, unread count, their reactions on the posts shown) and
finishes the body with it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from lumoflow.activity.actions import OUTSIDE
from lumoflow.activity.queries import change_marks_of
from lumoflow.core import fragments, panels
from lumoflow.core.marks import Marks
from lumoflow.core.pagination import decode_cursor, paginate
from lumoflow.core.validation import as_id

from . import queries


@dataclass(frozen=True)
class SharedBody:
    """A shared body and what finishing it for one viewer needs (plain, immutable data: it is
    cached as it is and read by everyone)."""

    html: str
    posts: tuple[Any, ...] = ()  # conversation.queries.PostKey, in order
    cards: tuple[Any, ...] = ()  # conversation.cards.CardToPersonalise
    expires: float = 0.0  # epoch seconds: from then on some relative time or date reads otherwise

    def fresh(self) -> bool:
        return time.time() < self.expires


@dataclass(frozen=True)
class Filters:
    """What the query string may change on the page, parsed: the cache key holds these only."""

    kind: str
    objective: str
    cursor: str  # as sent, for paging; `position` is what it stands for
    position: tuple[Any, ...]


def _filters(request: Any, kinds: list[str]) -> Filters:
    """The page's filters; raises `Invalid` for a cursor the site did not give out."""
    kind = request.GET.get("kind", "")
    cursor = request.GET.get("cursor", "")
    return Filters(
        kind=kind if kind in kinds else "",
        objective=str(as_id(request.GET.get("objective", "")) or ""),
        cursor=cursor,
        position=tuple(decode_cursor(cursor)) if cursor else (),
    )


def marks(workspace_id: int) -> Marks:
    """The marks the page is keyed on: read first, before the workspace itself (`core.marks`)."""
    return change_marks_of([workspace_id])


def head_context(request: Any, ws: Any) -> dict[str, Any]:
    """What the page head shows the viewer: role, membership, the objective nag."""
    from lumoflow.conversation.cards import url_template

    role = queries.role_of(request.user, ws)
    lacks, due = queries.objective_deadline(ws)
    names = ("join", "members", "settings", "leave", "new_objective", "purpose")
    links = {n: url_template(f"workspaces:{n}").format(ws.pk) for n in names}
    links |= {n: url_template(f"knowledge:{n}").format(ws.pk) for n in ("wiki", "articles")}
    return {
        "ws": ws,
        "links": links,
        "role": role,
        "membership": queries.membership_status(request.user, ws),
        "can_read": queries.can_read(request.user, ws),
        "is_owner": queries.may_manage(role),
        "can_facilitate": queries.may_facilitate(role),
        "lacks_objective": lacks,
        "objective_due": due,
        "objective_overdue": lacks and due < timezone.localdate(),
        "nav": "workspaces",
    }


def body(request: Any, ws: Any, head: dict[str, Any], marks: Marks) -> SharedBody:
    """The shared body for this viewer's role, from the cache or built now."""
    from lumoflow.conversation.models import Kind

    f = _filters(request, list(Kind.values))
    parts = (
        "workspace-body",
        ws.pk,
        marks.of(ws.pk),
        marks.of(OUTSIDE),
        head["role"],
        head["membership"],
        timezone.get_current_timezone_name(),
        f.kind,
        f.objective,
        f.position,
    )
    return fragments.cached(
        parts,
        lambda: _build(request, ws, head, f.kind, f.objective, f.cursor),
        SharedBody.fresh,
        marks=marks,
    )


def _build(
    request: Any, ws: Any, head: dict[str, Any], kind: str, objective: str, cursor: str
) -> SharedBody:
    from lumoflow.conversation import cards as card_html
    from lumoflow.conversation import queries as cq
    from lumoflow.conversation.forms import PostForm
    from lumoflow.conversation.models import Kind

    viewer, role = request.user, head["role"]
    objectives = list(queries.list_objectives_for(viewer, ws))
    items, nxt = paginate(
        cq.list_workspace_posts_for(viewer, ws, kind=kind, objective_id=objective or None),
        limit=20,
        cursor=cursor or None,
        newest_first=True,
        key="created_at",
    )
    cards = cq.decorate(None, items)  # counts only: the viewer's own reactions are added later
    filter_query = urlencode({k: v for k, v in (("kind", kind), ("objective", objective)) if v})
    options = card_html.CardOptions(
        user_id=None,
        csrf=fragments.csrf_mark(),
        back=fragments.back_mark(),
        can_react=role is not None,
        can_facilitate=head["can_facilitate"],
        shared=True,
    )
    ctx = {
        **head,
        "follow_form": mark_safe(_FOLLOW_MARK),  # noqa: S308 (a constant)
        "csrf_token": fragments.csrf_mark(),
        "objectives": [
            {
                "objective": o,
                "key_results": [queries.key_result_status(kr) for kr in o.key_results.all()],
            }
            for o in objectives
        ],
        "members": list(queries.list_members_for(viewer, ws, active_only=True)[:12]),
        "cards": cards,
        "cards_html": card_html.render_cards(cards, options),
        "next_cursor": nxt,
        "newest_id": items[0].pk if items else cq.newest_post_id(),
        "kinds": Kind.choices,
        "kind": kind,
        "objective_filter": int(objective) if objective else None,
        "filter_query": filter_query,
        "first_page": not cursor and not filter_query,
        "post_form": PostForm(
            objectives=[(o.pk, o.title) for o in objectives],
            announce=queries.may_announce(ws, role),
        ),
        "can_post": role is not None and not ws.is_archived,
        "unanswered": list(cq.list_unanswered_questions_for(viewer, ws.pk)[:10]),
    }
    return SharedBody(
        html=render_to_string("workspaces/_body.html", ctx),
        posts=tuple(cq.PostKey(p.pk, p.workspace_id, p.created_at) for p in items),
        cards=tuple(card_html.to_personalise(cards)),
        expires=_expires([p.created_at for p in items], [q.created_at for q in ctx["unanswered"]]),
    )


def _expires(shown: list[Any], asked: list[Any]) -> float:
    """When the body would first read differently with no change to the data: a card's age
    ("5 min ago") or a question's ("asked 3 h ago"), or the local date (progress against the
    period, due dates); at most an hour from now."""
    from lumoflow.core.times import age_unchanged_for

    now = timezone.now()
    local = timezone.localtime(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    unchanged_for = [3600.0, (midnight - local).total_seconds()]
    unchanged_for += [age_unchanged_for(when, now) for when in shown]
    unchanged_for += [age_unchanged_for(when, now) for when in asked]
    return now.timestamp() + max(1.0, min(unchanged_for))


_FOLLOW_MARK = "<!--follow-->"
ENGAGEMENT = panels.WORKSPACE_ENGAGEMENT


def _follow_form(request: Any, workspace_id: int) -> str:
    """Follow or Unfollow, as this viewer needs it."""
    from lumoflow.conversation.queries import follow_state
    from lumoflow.core.context import csrf_token, urls

    following = follow_state(request.user, workspace_id=workspace_id)
    undo = '<input type="hidden" name="undo" value="1">' if following else ""
    action = urls()["follow"]
    return (  # sent in place (core.inplace): only this form is swapped
        f'<form method="post" action="{action}" hx-post="{action}" id="follow-workspace" '
        'hx-target="this" hx-select="#follow-workspace" hx-swap="outerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token(request)}">'
        f'<input type="hidden" name="workspace_id" value="{int(workspace_id)}">'
        f'<input type="hidden" name="next" value="{escape(request.path)}">'
        f"{undo}<button>{'Unfollow' if following else 'Follow'}</button></form>"
    )


def _with_draft(request: Any, ws: Any, head: dict[str, Any], html: str) -> str:
    """The composer holding what this person typed in a post refused a moment ago (a page
    without JavaScript: the refusal redirected here), else the shared one."""
    from lumoflow.conversation.forms import DRAFT, PostForm

    session = getattr(request, "session", None)
    draft = session.pop(DRAFT.format(ws.pk), None) if session is not None else None
    start, end = "<!--composer-->", "<!--/composer-->"
    if not draft or start not in html:
        return html
    objectives = [(o.pk, o.title) for o in queries.list_objectives_for(request.user, ws)]
    form = PostForm(
        initial=draft, objectives=objectives, announce=queries.may_announce(ws, head["role"])
    )
    ctx = {"ws": ws, "post_form": form, "csrf_token": fragments.csrf_mark()}
    composer = render_to_string("conversation/_composer.html", ctx)
    i, j = html.index(start) + len(start), html.index(end)
    return html[:i] + composer + html[j:]


def context(request: Any, ws: Any, marks: Marks) -> dict[str, Any]:
    """The page for this viewer: `body` (finished HTML), `can_read`, `shown` (the posts).
    `marks` are the workspace's, read before `ws` (`marks`)."""
    from lumoflow.conversation import cards as card_html
    from lumoflow.conversation import queries as cq

    ctx = head_context(request, ws)
    if not ctx["can_read"]:
        ctx["body"] = render_to_string("workspaces/_private.html", ctx, request=request)
        return ctx
    shared = body(request, ws, ctx, marks)
    uid = request.user.pk
    options = card_html.CardOptions(
        user_id=uid,
        csrf=fragments.csrf_mark(),
        back=fragments.back_mark(),
        can_react=ctx["role"] is not None,
        can_facilitate=ctx["can_facilitate"],
    )
    mine = cq.my_reactions(request.user, [p.pk for p in shared.posts])
    html = card_html.personalise(shared.html, shared.cards, options, mine)
    html = html.replace(_FOLLOW_MARK, _follow_form(request, ws.pk), 1)
    html = _with_draft(request, ws, ctx, html)
    html = panels.fill(html, ENGAGEMENT, request, workspace=ws, role=ctx["role"], marks=marks)
    ctx["body"] = mark_safe(fragments.finish(html, request))  # noqa: S308 (built escaped)
    ctx["shown"] = shared.posts
    return ctx
