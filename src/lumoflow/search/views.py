"""The search page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from lumoflow.core.forms import run_action
from lumoflow.people.auth import SignedInRequest

from . import queries
from .cards import hit_url
from .forms import SearchForm
from .models import Kind


@login_required
def search(request: SignedInRequest) -> HttpResponse:
    """Results for the words in `q` under the filters, best first, a page at a time.

    Not cached, unlike the workspace page: every result and count depends on what this viewer
    may read, and the key would have to hold the query's free text (keys hold parsed values
    only, and a loop of queries would fill the cache). The engine's ranked, filtered read is
    the fast path here (bench/search.py).
    """
    form = SearchForm(request.GET or None)
    results = None
    if "q" in request.GET and form.is_valid():
        data = form.cleaned_data

        def run() -> queries.Results:
            filters = queries.filters_for(
                request.user,
                kind=data["type"],
                workspace=data["workspace"],
                author=data["author"],
                date_from=data["from"],
                date_to=data["to"],
            )
            return queries.search_for(
                request.user, data["q"], filters=filters, cursor=data["cursor"] or None
            )

        results = run_action(form, run)
    status = 200 if form.is_bound is False or not form.errors else 400
    return render(request, "search/search.html", _context(request, form, results), status=status)


def _context(
    request: SignedInRequest, form: SearchForm, results: queries.Results | None
) -> dict[str, Any]:
    params = request.GET.copy()
    params.pop("cursor", None)
    type_links = []
    if results is not None:
        for kind, label in Kind.choices:
            if n := results.counts.get(kind, 0):
                params["type"] = kind
                type_links.append((kind, label, n, params.urlencode()))
        params["type"] = ""
        everything = params.urlencode()
    next_params = request.GET.copy()
    if results is not None and results.next:
        next_params["cursor"] = results.next
    return {
        "form": form,
        "results": results,
        "hits": [(h, hit_url(h), Kind(h.kind).label) for h in results.hits] if results else [],
        "type_links": type_links,
        "everything": everything if results is not None else "",
        "chosen_type": form.cleaned_data.get("type", "")
        if form.is_bound and form.is_valid()
        else "",
        "next_query": next_params.urlencode() if results is not None and results.next else "",
        "workspaces": queries.workspace_choices_for(request.user),
        "search_q": request.GET.get("q", "")[:200],
        "nav": "search",
    }
