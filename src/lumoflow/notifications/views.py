"""The notifications page: list, mark read, mute per type (an alert's page is measure's: it
shows the alert's metric before and after it was acted on)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

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
