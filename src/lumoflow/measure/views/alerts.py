"""An alert's page (`/alerts/{id}`): what changed, since when, the evidence and the suggested
actions, the form to mark it acted on, and once acted on, its metric before and after that day.

Owners and facilitators of the alert's workspace; members 403, anyone else 404
(`notifications.queries.get_alert_for`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from lumoflow.core import limits
from lumoflow.core.forms import run_action, text_field
from lumoflow.notifications import actions as alert_actions
from lumoflow.notifications import queries as alert_queries
from lumoflow.people.auth import SignedInRequest

from .. import queries
from ..alerts import alert_view


class ActedOnForm(forms.Form):
    note = text_field(
        limits.ALERT_NOTE,
        label="What did you do?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what you did about it: from then on this page and the health page show"
        " the metric before and after today.",
    )


@login_required
def alert(request: SignedInRequest, alert_id: int) -> HttpResponse:
    found = alert_queries.get_alert_for(request.user, alert_id)
    form = ActedOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        done = run_action(
            form, lambda: alert_actions.mark_alert_acted_on(request.user, found.pk, note=note)
        )
        if done is not None:
            messages.success(request, "Marked acted on.")
            return redirect(alert_queries.alert_url(done))
    data = {}
    if found.acted_on_at is not None:
        data = queries.get_workspace_metrics_for(request.user, found.workspace_id).data
    return render(
        request,
        "notifications/alert.html",
        {"alert": found, "view": alert_view(found, data), "form": form, "nav": "notifications"},
        status=400 if form.errors else 200,
    )
