"""A workspace's individual-level figures (`/workspaces/{id}/people-analytics`): its brokers,
peripheral and isolated people by name, for people-analytics holders only, each view written
to the audit log (`measure.queries.get_people_figures_for`, the API's function)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from lumoflow.core.errors import Invalid
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Capability
from lumoflow.people.queries import require_capability
from lumoflow.workspaces.queries import get_workspace_for

from ..forms import PeriodForm
from ..queries import PeopleFigures, get_people_figures_for


@login_required
def page(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    """The workspace's brokers, peripheral and isolated people over a period (default: the 12
    months up to today). PermissionDenied (403) without the capability, before anything is
    computed or written; NotFound / PermissionDenied for the workspace as its health page; a
    bad period is 400 with the field's error, and nothing is audited."""
    require_capability(request.user, Capability.PEOPLE_ANALYTICS)
    ws = get_workspace_for(request.user, workspace_id)
    form = PeriodForm(request.GET)
    found: PeopleFigures | None = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            found = get_people_figures_for(
                request.user, ws.pk, via="page", start=d["from"], end=d["to"]
            )
        except Invalid as exc:
            for field, problems in exc.errors.items():
                for p in problems:
                    form.add_error(field if field in form.fields else None, p)
            if not exc.errors:
                form.add_error(None, exc.detail)
    ctx = {"ws": ws, "form": form, "f": found, "nav": "workspaces"}
    if found is None:
        return render(request, "measure/people_analytics.html", ctx, status=400)
    ctx["form"] = PeriodForm({"from": found.start.isoformat(), "to": found.end.isoformat()})
    return render(request, "measure/people_analytics.html", ctx)
