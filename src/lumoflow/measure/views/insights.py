"""Personal insights (`/me/insights`): the signed-in person's own figures, for them only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from lumoflow.charts import weekly_chart
from lumoflow.core.forms import run_action
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.queries import has_capability

from ..forms import PeriodForm
from ..insights import Insights, get_insights_for


def activity_chart(insights: Insights) -> dict[str, Any]:
    """The person's posts, replies and reactions per week, as one weekly series."""
    points = [
        {"week": w["week"], "value": w["post"] + w["reply"] + w["reaction"], "suppressed": False}
        for w in insights.weekly
    ]
    return weekly_chart(
        points,
        title="Your posts, replies and reactions per week",
        y_title="posts, replies and reactions",
        width="container",
    )


@login_required
def insights(request: SignedInRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    found: Insights | None = None
    if form.is_valid():
        data = form.cleaned_data
        found = run_action(
            form,
            lambda: get_insights_for(request.user, start=data["from"], end=data["to"]),
        )
    if found is None:
        return render(
            request, "measure/insights.html", {"form": form, "nav": "insights"}, status=400
        )
    # the fields show the period measured, the default one included
    shown = PeriodForm({"from": found.start.isoformat(), "to": found.end.isoformat()})
    return render(
        request,
        "measure/insights.html",
        {
            "form": shown,
            "nav": "insights",
            "i": found,
            "chart": activity_chart(found),
            # the way in to the organisation's pages, for the people who may read them
            "executive": has_capability(request.user, "executive"),
        },
    )
