"""Workspace pages. Thin: parse the form, call one action or query, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from lumoflow.core import fragments, inplace
from lumoflow.core.errors import Invalid, LumoFlowError, NotFound, PermissionDenied
from lumoflow.core.forms import errors_text, page_number, run_action
from lumoflow.notifications.queries import unread_count_for
from lumoflow.people import queries as people_queries
from lumoflow.people.auth import SignedInRequest

from . import actions, page, queries
from .forms import (
    CheckInForm,
    KeyResultFormSet,
    MemberForm,
    ObjectiveForm,
    TargetsForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from .models import Role

#: Members shown on one page of a workspace's members list.
MEMBERS_PER_PAGE = 50


def _workspace(request: HttpRequest, workspace_id: int) -> Any:
    try:
        return queries.get_workspace_for(request.user, workspace_id)
    except NotFound:
        raise Http404


def _fail(request: HttpRequest, exc: LumoFlowError) -> None:
    messages.error(request, exc.detail)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    show, sort = request.GET.get("show", "all"), request.GET.get("sort", "activity")
    department = request.GET.get("department", "")[:500]
    workspaces = queries.find_workspaces_for(
        request.user, search=search, show=show, sort=sort, department=department
    )
    mine = queries.my_workspace_ids(request.user)
    ctx = {
        "workspaces": workspaces,
        "mine": mine,
        "nav": "workspaces",
        "search": search,
        "show": show,
        "sort": sort,
        "shows": queries.DIRECTORY_SHOWS,
        "sorts": list(queries.DIRECTORY_SORTS),
        "department": department,
        "departments": people_queries.department_paths(),
    }
    return render(request, "workspaces/directory.html", ctx)


@login_required
def create(request: SignedInRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ws = run_action(form, lambda: actions.create_workspace(request.user, **form.cleaned_data))
        if ws is not None:
            messages.success(request, "Workspace created. Now set its first objective.")
            return redirect("workspaces:new_objective", workspace_id=ws.pk)
    return render(request, "workspaces/create.html", {"form": form, "nav": "workspaces"})


def check_in_form(key_result_id: int, data: Any = None) -> CheckInForm:
    """The check-in form of one key result (its own prefix, so field ids are unique on a page)."""
    return CheckInForm(data, prefix=f"kr{key_result_id}")


@login_required
def detail(request: HttpRequest, workspace_id: int) -> HttpResponse:
    marks = page.marks(workspace_id)  # before the data it stands for
    ws = _workspace(request, workspace_id)
    ctx = page.context(request, ws, marks)
    response = fragments.page(
        request,
        title=ws.name,
        nav="workspaces",
        content=ctx["body"],
        shows=(unread_count_for(request.user),),
        marks=marks,
    )
    if ctx["can_read"]:
        from lumoflow.conversation.actions import record_post_views

        record_post_views(request.user, ctx["shown"], also=[(ws, "workspace", ws.pk)])
    return response


@login_required
def settings_page(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    if not queries.may_manage(queries.role_of(request.user, ws)):
        raise PermissionDenied("Only owners can change a workspace's settings.")
    initial = {
        "name": ws.name,
        "purpose": ws.purpose,
        "visibility": ws.visibility,
        "excluded_from_org_analytics": ws.excluded_from_org_analytics,
        "announcements_by_members": ws.announcements_by_members,
    }
    targets_initial = {
        "target_weekly_active_share": ws.target_weekly_active_share * 100,
        "target_first_reply_hours": ws.target_first_reply_hours,
        "target_on_topic_share": ws.target_on_topic_share * 100,
    }
    is_targets = request.POST.get("form") == "targets"
    form = WorkspaceSettingsForm(
        request.POST if request.method == "POST" and not is_targets else None, initial=initial
    )
    targets = TargetsForm(request.POST if is_targets else None, initial=targets_initial)
    if request.method == "POST":
        bound = targets if is_targets else form
        if bound.is_valid():
            data = dict(bound.cleaned_data)
            if is_targets:
                data["target_weekly_active_share"] /= Decimal(100)
                data["target_on_topic_share"] /= Decimal(100)
            if run_action(bound, lambda: actions.update_workspace(request.user, ws.pk, **data)):
                messages.success(request, "Saved.")
                return redirect("workspaces:settings", workspace_id=ws.pk)
    return render(
        request,
        "workspaces/settings.html",
        {"ws": ws, "form": form, "targets": targets, "nav": "workspaces"},
    )


@login_required
@require_POST
def join(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    try:
        m = actions.join_workspace(request.user, ws.pk)
        messages.success(
            request,
            "Welcome aboard."
            if m.status == "active"
            else "Request sent: an owner will approve it.",
        )
    except NotFound:
        raise Http404
    except LumoFlowError as exc:
        _fail(request, exc)
    return redirect("workspaces:detail", workspace_id=ws.pk)


@login_required
@require_POST
def leave(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    try:
        actions.remove_member(request.user, ws.pk, username=request.user.username)
        messages.success(request, f"You left {ws.name}.")
    except LumoFlowError as exc:
        _fail(request, exc)
    return redirect("workspaces:detail", workspace_id=ws.pk)


@login_required
@require_POST
def set_purpose(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    """State the purpose from the workspace page (owners), where an imported workspace asks
    for one; stating it clears the placeholder's flag (`actions.update_workspace`)."""
    from .forms import PurposeForm

    ws = _workspace(request, workspace_id)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    elif run_action(
        form, lambda: actions.update_workspace(request.user, ws.pk, **form.cleaned_data)
    ):
        messages.success(request, "Saved: the workspace's purpose is stated.")
    else:
        messages.error(request, errors_text(form))
    return redirect("workspaces:detail", workspace_id=ws.pk)


@login_required
def members(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    queries.require_role(request.user, ws, queries.MANAGE_ROLES, "manage members")
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            try:
                actions.remove_member(request.user, ws.pk, username=request.POST["remove"])
                messages.success(request, f"Removed {request.POST['remove']}.")
            except LumoFlowError as exc:
                _fail(request, exc)
            return redirect(request.get_full_path())
        if form.is_valid() and (
            run_action(form, lambda: actions.add_member(request.user, ws.pk, **form.cleaned_data))
            is not None
        ):
            messages.success(
                request, f"{form.cleaned_data['username']} is now {form.cleaned_data['role']}."
            )
            return redirect(request.get_full_path())
    search, role = request.GET.get("q", "")[:100], request.GET.get("role", "")
    found = queries.find_members_for(request.user, ws.pk, search=search, role=role)
    shown = Paginator(found, MEMBERS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    kept = urlencode({k: v for k, v in (("q", search), ("role", role)) if v})
    return render(
        request,
        "workspaces/members.html",
        {
            "ws": ws,
            "form": form,
            "members": shown,
            "search": search,
            "role": role,
            "roles": Role.choices,
            "filter_query": kept,
            "nav": "workspaces",
        },
    )


@login_required
@require_POST
def archive(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    try:
        actions.archive_workspace(request.user, ws.pk, archived=not ws.is_archived)
        messages.success(
            request, "Workspace unarchived." if ws.is_archived else "Workspace archived."
        )
    except LumoFlowError as exc:
        _fail(request, exc)
    return redirect("workspaces:detail", workspace_id=ws.pk)


def _show_objective_errors(exc: Invalid, form: Any, kr_forms: list[Any]) -> None:
    """Put each error on its field: `key_results.N.field` on the N-th filled key result."""
    for field, messages_ in exc.errors.items():
        target_form, name = form, field
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "key_results" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(kr_forms):
                target_form, name = kr_forms[index], parts[2]
        for m in messages_:
            target_form.add_error(name if name in target_form.fields else None, m)
    if not exc.errors:
        form.add_error(None, exc.detail)


@login_required
def new_objective(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = _workspace(request, workspace_id)
    queries.require_role(request.user, ws, queries.FACILITATE_ROLES, "set objectives")
    post = request.POST if request.method == "POST" else None
    form, krs = ObjectiveForm(post, prefix="o"), KeyResultFormSet(post, prefix="kr")
    if post is not None and form.is_valid() and krs.is_valid():
        filled = [f for f in krs.forms if f.cleaned_data]
        obj = None
        try:
            obj = actions.create_objective(
                request.user,
                ws.pk,
                **form.cleaned_data,
                key_results=[f.cleaned_data for f in filled],
            )
        except Invalid as exc:
            _show_objective_errors(exc, form, filled)
        if obj is not None:
            messages.success(request, f"Objective “{obj.title}” added.")
            return redirect("workspaces:detail", workspace_id=ws.pk)
    return render(
        request,
        "workspaces/objective_form.html",
        {"ws": ws, "form": form, "krs": krs, "nav": "workspaces"},
    )


@login_required
@require_POST
def check_in(request: SignedInRequest, key_result_id: int) -> HttpResponse:
    try:
        kr = queries.get_key_result_for(request.user, key_result_id)
    except NotFound:
        raise Http404
    ws_id = kr.objective.workspace_id
    form = check_in_form(kr.pk, request.POST)
    if form.is_valid() and (
        run_action(form, lambda: actions.record_check_in(request.user, kr.pk, **form.cleaned_data))
        is not None
    ):
        messages.success(request, f"Checked in on “{kr.metric_name}”.")
        return redirect("workspaces:detail", workspace_id=ws_id)
    back = reverse("workspaces:detail", args=[ws_id])
    return inplace.refused(request, [f"Check-in not saved. {errors_text(form)}"], back)
