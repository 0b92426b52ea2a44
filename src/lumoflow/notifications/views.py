"""The notifications page: list, mark read, mute per type; e-mail digests: the profile's
setting and the one-click unsubscribe link (an alert's page is measure's: it
shows the alert's metric before and after it was acted on)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lumoflow.core.errors import Invalid
from lumoflow.core.pagination import paginate
from lumoflow.people.auth import SignedInRequest

from . import actions, queries


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    qs = queries.list_notifications_for(request.user)
    items, nxt = paginate(
        qs,
        limit=30,
        cursor=request.GET.get("cursor") or None,
        newest_first=True,
        key="created_at",
    )
    return render(
        request,
        "notifications/list.html",
        {
            "items": items,
            "next_cursor": nxt,
            "types": queries.type_choices(),
            "muted": queries.muted_types_for(request.user),
            "nav": "notifications",
        },
    )


@login_required
@require_POST
def mark_read(request: SignedInRequest) -> HttpResponse:
    actions.mark_read(request.user, ids=request.POST.getlist("id") or None)
    return redirect("conversation:notifications:list")


@login_required
@require_POST
def mutes(request: SignedInRequest) -> HttpResponse:
    wanted = set(request.POST.getlist("notify"))
    actions.set_mutes(request.user, muted=[t for t, _ in queries.type_choices() if t not in wanted])
    messages.success(request, "Notification settings saved.")
    return redirect("conversation:notifications:list")


@login_required
def open_one(request: SignedInRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    n = queries.get_notification_for(request.user, notification_id)
    if n is None or (n.post is None and n.alert is None):
        return redirect("conversation:notifications:list")
    actions.mark_read(request.user, ids=[n.pk])
    return redirect(queries.url_of(n))


@login_required
@require_POST
def digests(request: SignedInRequest) -> HttpResponse:
    """The profile's e-mail digests setting: the ticked digests are taken, the others not."""
    actions.set_digests(request.user, on=request.POST.getlist("digest"))
    messages.success(request, "E-mail digest settings saved.")
    return redirect("people:profile")


# The link is the credential (signed for one person and one digest), and a mail client's
# one-click POST (RFC 8058: List-Unsubscribe-Post) carries no CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (a link scanner that opens the link unsubscribes nobody);
    POST (the button, or the mail client's one-click header): unsubscribed. No sign-in; a
    tampered or expired link gets a page that says so (400)."""
    try:
        person, digest = queries.read_unsubscribe_token(token)
    except Invalid as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.detail}, status=400)
    label = queries.digest_name(digest)
    done = request.method == "POST"
    if done:
        actions.set_digest(person, digest, on=False)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"digest": label, "done": done, "email": person.email},
    )
