"""Conversation pages: the home feed, permalink, composer, replies, reactions, answers,
hashtags, follows.

Thin: parse the form, call one action or query, render. Our errors raised here become the 404/403
pages through the error middleware; form errors are shown on the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from lumoflow.activity.queries import change_marks_of
from lumoflow.core import fragments, inplace
from lumoflow.core.context import csrf_token, urls
from lumoflow.core.errors import LumoFlowError
from lumoflow.core.forms import errors_text, run_action
from lumoflow.core.pagination import newest_first_page, paginate
from lumoflow.core.validation import as_id
from lumoflow.notifications.queries import unread_count_for
from lumoflow.people import queries as people_queries
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries

from . import actions, cards, queries
from .attachments import attachment_name
from .cards import format_escaped, person_url, url_template
from .forms import DRAFT, REPLY_DRAFT, EditForm, IdeaStatusForm, PostForm, ReplyForm
from .models import EMOJIS, Kind

PAGE = 20


def _back(request: HttpRequest, default: str) -> HttpResponse:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure())
    return redirect(nxt if nxt and ok else default)


def post_url(post: Any) -> str:
    url = reverse("conversation:post", args=[post.thread_id or post.pk])
    return url + (f"#post-{post.pk}" if post.thread_id else "")


def feed_page(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """One page of a feed: cards plus the cursor of the next page; views recorded by caller."""
    items, nxt = paginate(
        qs,
        limit=PAGE,
        cursor=request.GET.get("cursor") or None,
        newest_first=True,
        key="created_at",
    )
    return {"cards": queries.decorate(request.user, items), "next_cursor": nxt, "posts": items}


def objective_choices(viewer: Viewer, ws: Any) -> list[tuple[int, str]]:
    return [(o.pk, o.title) for o in ws_queries.list_objectives_for(viewer, ws.pk)]


def _suggestions(request: HttpRequest) -> str:
    """Follow suggestions for someone who follows nothing, each a one-click Follow form (sent
    in place: the side bar is swapped, so what was followed moves to "You follow")."""
    action = urls()["follow"]
    token = csrf_token(request)
    rows = []
    for s in queries.list_follow_suggestions_for(request.user):
        field, value = ("username", s.username) if s.username else ("workspace_id", s.workspace_id)
        link = person_url(s.username) if s.username else reverse("workspaces:detail", args=[value])
        rows.append(
            format_escaped(
                '<li><span><a href="{}">{}</a> <span class="muted">{}</span></span>'
                '<form method="post" action="{}" hx-post="{}" hx-target="#follows" '
                'hx-select="#follows" hx-swap="outerHTML">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="{}" value="{}">'
                '<input type="hidden" name="next" value="/">'
                '<button aria-label="Follow {}">Follow</button></form></li>',
                link,
                s.name,
                s.reason,
                action,
                action,
                token,
                field,
                value,
                s.name,
            )
        )
    return "".join(rows)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home feed: followed workspaces and people, announcements from my workspaces."""
    items, nxt = newest_first_page(  # type: ignore[type-var]  # rows with pk and created_at
        queries.feed_for(request.user).keys, limit=20, cursor=request.GET.get("cursor") or None
    )
    # The side bar's links are written here, like the cards (conversation.cards): through the
    # template engine and `reverse` they cost more than the rest of the list.
    workspace_url = url_template("workspaces:detail")
    follows = "".join(
        format_escaped(
            '<li><span><a href="{}">{}</a></span><span class="muted">{}</span></li>',
            person_url(f.username) if f.username else workspace_url.format(f.workspace_id),
            f.name,
            "person" if f.username else "workspace",
        )
        for f in queries.list_followed_for(request.user)
    )
    # Cards as everyone sees them, cached until their data changes; then made this viewer's.
    # The marks are read before the cards' data (core.marks); the page's address goes in last.
    marks = change_marks_of(p.workspace_id for p in items)
    back = fragments.back_mark()
    shared = cards.CardOptions(
        user_id=None, csrf=fragments.csrf_mark(), back=back, show_workspace=True, shared=True
    )
    made = cards.shared_cards(
        items,
        shared,
        lambda keys: queries.decorate(None, queries.posts_by_ids([k.pk for k in keys])),
        marks,
    )
    mine = cards.CardOptions(
        user_id=request.user.pk, csrf=fragments.csrf_mark(), back=back, show_workspace=True
    )
    html = cards.personalise(
        "\n".join(c.html for c in made),
        [c.to_personalise for c in made],
        mine,
        queries.my_reactions(request.user, [p.pk for p in items]),
    )
    ctx = {
        "cards_html": mark_safe(html),  # noqa: S308 (cards escape every value)
        "next_cursor": nxt,
        "newest_id": items[0].pk if items else queries.newest_post_id(),
        "follows": mark_safe(follows),  # noqa: S308 (every value escaped by format_escaped)
        "suggestions": mark_safe(_suggestions(request) if not follows else ""),  # noqa: S308
        "first_page": not request.GET.get("cursor"),
        "urls": urls(),
    }
    # Everything the content shows is in `ctx`: no context processors to run for it.
    content = render_to_string("conversation/home.html", ctx)
    response = fragments.page(
        request,
        title="Home",
        nav="home",
        content=content,
        shows=(unread_count_for(request.user),),
        marks=marks,
    )
    actions.record_post_views(request.user, items)
    return response


@login_required
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """The permalink of a thread: the root, the accepted answer on top, replies one level deep."""
    post = queries.get_post_for(request.user, post_id)
    if post.thread_id:
        return redirect(post_url(post))
    replies = list(queries.list_replies_for(request.user, post.pk))
    cards = queries.decorate(request.user, [post, *replies])
    role = ws_queries.role_of(request.user, post.workspace)
    accepted = next((c for c in cards[1:] if c.post.pk == post.accepted_answer_id), None)
    ctx = {
        "card": cards[0],
        "root": cards[:1],
        # the accepted answer shows once, on top
        "replies": [c for c in cards[1:] if c is not accepted],
        "accepted": accepted,
        "accepted_list": [accepted] if accepted else [],
        "ws": post.workspace,
        "role": role,
        "can_facilitate": ws_queries.may_facilitate(role),
        "can_react": role is not None,
        "can_accept": post.kind == Kind.QUESTION
        and queries.may_accept_answer(request.user, post, role),
        "reply_form": ReplyForm(initial=request.session.pop(REPLY_DRAFT.format(post.pk), None)),
        "idea_form": IdeaStatusForm(initial={"status": post.idea_status}),
        "following_author": queries.follow_state(request.user, person_id=post.author_id),
        "revisions": queries.list_revisions_for(request.user, post) if post.edited_at else [],
        "emojis": EMOJIS,
        "nav": "workspaces",
    }
    response = render(request, "conversation/post.html", ctx)
    actions.record_post_views(request.user, [post, *replies])
    return response


@login_required
@require_POST
def create_post(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = ws_queries.get_workspace_for(request.user, workspace_id)
    form = PostForm(request.POST, request.FILES, objectives=objective_choices(request.user, ws))
    back = reverse("workspaces:detail", args=[ws.pk])
    if form.is_valid():
        data = dict(form.cleaned_data)
        post = run_action(form, lambda: actions.create_post(request.user, ws.pk, **data))
        if post is not None:
            messages.success(request, "Posted.")
            return redirect(back)
    draft = {k: request.POST.get(k, "") for k in ("kind", "body", "objective_id")}
    return _refused(request, form, "Not posted", back, draft=(DRAFT.format(ws.pk), draft))


@login_required
@require_POST
def reply(request: SignedInRequest, post_id: int) -> HttpResponse:
    parent = queries.get_post_for(request.user, post_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        r = run_action(form, lambda: actions.create_reply(request.user, parent.pk, **data))
        if r is not None:
            return redirect(post_url(r))
    draft = (
        REPLY_DRAFT.format(parent.thread_id or parent.pk),
        {"body": request.POST.get("body", "")},
    )
    return _refused(request, form, "Reply not sent", post_url(parent), draft=draft)


def _refused(
    request: HttpRequest, form: Any, what: str, back: str, *, draft: tuple[str, dict[str, str]]
) -> HttpResponse:
    """A refused post or reply: each error as a line, and the files it names (in place, they
    are taken off the form; the others and everything typed stay). Without JavaScript what was
    typed waits in the session for the page the redirect shows (files cannot: a browser never
    fills a file field)."""
    if not inplace.is_htmx(request):
        request.session[draft[0]] = draft[1]
    lines = [f"{what}: {e}" for errs in form.errors.values() for e in errs]
    named = [
        f.name or ""
        for f in request.FILES.getlist("files")
        if any(f"'{attachment_name(f)}'" in line for line in lines)
    ]
    return inplace.refused(request, lines, back, files=named)


def _attempt(request: HttpRequest, fn: Any, ok: str = "") -> None:
    try:
        fn()
        if ok:
            messages.success(request, ok)
    except LumoFlowError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.detail)


@login_required
@require_POST
def react(request: SignedInRequest, post_id: int) -> HttpResponse:
    """Toggle a reaction on and off."""
    post = queries.get_post_for(request.user, post_id)
    emoji = request.POST.get("emoji", "")
    mine = any(e == emoji and m for e, _, m in queries.decorate(request.user, [post])[0].reactions)
    if mine:
        _attempt(request, lambda: actions.remove_reaction(request.user, post.pk, emoji=emoji))
    else:
        _attempt(request, lambda: actions.add_reaction(request.user, post.pk, emoji=emoji))
    return _back(request, post_url(post))


@login_required
@require_POST
def accept(request: SignedInRequest, post_id: int) -> HttpResponse:
    reply_id = request.POST.get("reply_id")
    _attempt(
        request,
        lambda: actions.accept_answer(request.user, post_id, reply_id=reply_id),
        "Answer accepted.",
    )
    return redirect("conversation:post", post_id=post_id)


@login_required
@require_POST
def idea_status(request: SignedInRequest, post_id: int) -> HttpResponse:
    form = IdeaStatusForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: actions.set_idea_status(request.user, post_id, **form.cleaned_data),
            "Idea status saved.",
        )
        return redirect("conversation:post", post_id=post_id)
    back = reverse("conversation:post", args=[post_id])
    return inplace.refused(request, [f"Idea status not saved. {errors_text(form)}"], back)


@login_required
def edit(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = queries.get_post_for(request.user, post_id)
    choices = objective_choices(request.user, post.workspace) if not post.thread_id else []
    initial = {"body": post.body, "objective_id": post.objective_id}
    form = EditForm(request.POST or None, initial=initial, objectives=choices)
    if post.thread_id:
        del form.fields["objective_id"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if run_action(form, lambda: actions.edit_post(request.user, post.pk, **data)):
            messages.success(request, "Saved.")
            return redirect(post_url(post))
    return render(
        request, "conversation/edit.html", {"form": form, "post": post, "nav": "workspaces"}
    )


@login_required
@require_POST
def delete(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = queries.get_post_for(request.user, post_id)
    _attempt(request, lambda: actions.delete_post(request.user, post.pk), "Deleted.")
    if post.thread_id:
        return redirect("conversation:post", post_id=post.thread_id)
    return redirect("workspaces:detail", workspace_id=post.workspace_id)


@login_required
@require_POST
def hide(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = queries.get_post_for(request.user, post_id)
    reason = request.POST.get("reason", "")
    _attempt(request, lambda: actions.hide_post(request.user, post.pk, reason=reason), "Hidden.")
    if post.thread_id:
        return redirect("conversation:post", post_id=post.thread_id)
    return redirect("workspaces:detail", workspace_id=post.workspace_id)


@login_required
def hashtag(request: HttpRequest, tag: str) -> HttpResponse:
    page = feed_page(request, queries.list_hashtag_posts_for(request.user, tag))
    response = render(
        request, "conversation/hashtag.html", {**page, "tag": tag.lower(), "nav": "home"}
    )
    actions.record_post_views(request.user, page["posts"])
    return response


@login_required
def decisions(request: HttpRequest, workspace_id: int) -> HttpResponse:
    ws = ws_queries.get_readable_workspace_for(request.user, workspace_id)
    page = feed_page(request, queries.list_decisions_for(request.user, ws.pk))
    response = render(
        request, "conversation/decisions.html", {**page, "ws": ws, "nav": "workspaces"}
    )
    actions.record_post_views(request.user, page["posts"])
    return response


@login_required
@require_POST
def follow(request: SignedInRequest) -> HttpResponse:
    """Follow or unfollow (`undo=1`) a person (`username`) or a workspace (`workspace_id`)."""
    username = request.POST.get("username") or None
    ws_id = request.POST.get("workspace_id") or None
    fn = actions.unfollow if request.POST.get("undo") else actions.follow
    _attempt(request, lambda: fn(request.user, username=username, workspace_id=ws_id))
    return _back(request, reverse("home"))


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Serve a file to someone who may read its post; never inline anything but images."""
    att = queries.get_attachment_for(request.user, attachment_id)
    inline = att.content_type.startswith("image/")
    response = FileResponse(
        att.file.open("rb"),
        content_type=att.content_type,
        as_attachment=not inline,
        filename=att.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def thumbnail(request: HttpRequest, attachment_id: int) -> FileResponse:
    """An image's thumbnail (made when it was attached), to someone who may read its post."""
    att = queries.get_attachment_for(request.user, attachment_id)
    if not att.thumbnail:
        raise Http404
    response = FileResponse(att.thumbnail.open("rb"), content_type="image/webp")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"  # an attachment never changes
    return response


@login_required
def suggest_people(request: HttpRequest) -> JsonResponse:
    """Usernames for @mention autocomplete in the composer."""
    q = request.GET.get("q", "")[:50]
    people = people_queries.list_people_for(request.user, q=q)[:8] if q else []
    return JsonResponse({"items": [{"username": p.username, "name": p.name} for p in people]})


@login_required
def new_posts(request: HttpRequest) -> HttpResponse:
    """htmx poll: how many feed posts arrived after `after` (a post id)."""
    after = request.GET.get("after", "")
    try:
        newest = as_id(after)
        count = (
            queries.count_posts_after(
                request.user, newest, workspace_id=request.GET.get("workspace")
            )
            if newest
            else 0
        )
    except LumoFlowError:
        count = 0
    return render(request, "conversation/_new_posts.html", {"count": count})
