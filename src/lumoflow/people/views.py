"""People pages: profile with tokens, directory, a person. Thin: forms in, actions out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lumoflow.core import inplace, limits
from lumoflow.core.errors import Invalid, NotFound
from lumoflow.core.forms import errors_text, page_number, run_action
from lumoflow.notifications import queries as notification_queries

from . import actions, queries
from .auth import SignedInRequest
from .forms import ProfileForm, TokenForm

if TYPE_CHECKING:
    from .models import User


def _initial(user: User) -> dict[str, object]:
    u = user
    department = u.department if u.department_id else None
    manager = u.manager if u.manager_id else None
    return {
        "display_name": u.display_name,
        "title": u.title,
        "department": department.path if department is not None else "",
        "manager": manager.username if manager is not None else "",
        "location": u.location,
        "time_zone": u.time_zone,
    }


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST or None,
        initial=_initial(request.user),
        departments=queries.department_paths(),
    )
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: actions.update_profile(
                request.user, request.user.username, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, "Profile saved.")
            return redirect("people:profile")
    return render(
        request,
        "people/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "nav": "profile",
            "tokens": queries.list_tokens_for(request.user),
            "new_token": request.session.pop("new_token", None),
            "digests": notification_queries.digest_choices(),
            "digests_taken": notification_queries.digests_taken_by(request.user),
        },
    )


@login_required
@require_POST
def create_token(request: SignedInRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _, raw = actions.create_token(request.user, name=form.cleaned_data["name"])
        request.session["new_token"] = raw
        messages.success(request, "Token created. Copy it now: it will not be shown again.")
    else:
        messages.error(request, f"Token not created. {errors_text(form)}")
    return redirect("people:profile")


@login_required
@require_POST
def revoke_token(request: SignedInRequest, token_id: int) -> HttpResponse:
    try:
        actions.revoke_token(request.user, token_id)
    except NotFound:
        raise Http404
    messages.success(request, "Token revoked.")
    return redirect("people:profile")


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    dept = request.GET.get("department", "").strip()[: limits.DEPARTMENT_PATH]
    people = Paginator(queries.list_people_for(request.user, q=q, department=dept), 50)
    return render(
        request,
        "people/directory.html",
        {
            "page": people.get_page(page_number(request.GET.get("page"))),
            "q": q,
            "department": dept,
            "departments": queries.list_departments_for(request.user),
            "nav": "people",
        },
    )


@login_required
def person(request: HttpRequest, username: str) -> HttpResponse:
    try:
        p = queries.get_person_for(request.user, username)
    except NotFound:
        raise Http404
    from lumoflow.conversation import queries as conversation_queries
    from lumoflow.workspaces import queries as ws_queries

    ctx = {
        "person": p,
        "nav": "people",
        "reports": queries.list_reports_for(request.user, p),
        "local_time": _local_time(p.time_zone),
        "workspaces": ws_queries.list_workspaces_of_for(request.user, p.pk),
        "posts": conversation_queries.list_recent_posts_by_for(request.user, p.pk),
        "is_me": p.pk == request.user.pk,
        "following": conversation_queries.follow_state(request.user, person_id=p.pk),
    }
    return render(request, "people/person.html", ctx)


def _local_time(time_zone: str) -> str:
    """The time now where the person is ("14:05, Mon"), or "" without a time zone."""
    from zoneinfo import ZoneInfo

    if not time_zone:
        return ""
    return timezone.now().astimezone(ZoneInfo(time_zone)).strftime("%H:%M, %a")


@login_required
@require_POST
def change_photo(request: SignedInRequest) -> HttpResponse:
    """Upload a photo (`photo`), or take it away (`remove`)."""
    me = request.user.username
    if request.POST.get("remove"):
        actions.remove_photo(request.user, me)
        messages.success(request, "Photo removed: your initials show instead.")
        return redirect("people:profile")
    upload = request.FILES.get("photo")
    if upload is None:
        return inplace.refused(request, ["Choose a photo to upload."], reverse("people:profile"))
    try:
        actions.set_photo(request.user, me, name=upload.name or "", data=upload.read())
    except Invalid as exc:
        return inplace.refused(request, [exc.detail], reverse("people:profile"))
    messages.success(request, "Photo saved.")
    return redirect("people:profile")


@login_required
def photo(request: HttpRequest, username: str, size: int) -> FileResponse:
    """A person's photo, to anyone signed in who may see the person."""
    try:
        p = queries.get_person_for(request.user, username)
    except NotFound:
        raise Http404
    field = p.photo_small if size == 64 else p.photo if size == 256 else None
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/webp")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=86400"  # its address changes with the photo
    return response
