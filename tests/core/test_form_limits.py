"""Every text field of the page forms, one character past its limit, is shown back with the
one message for text too long and writes nothing. The fields are read from the form classes,
so a new field is walked too."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django import forms
from django.apps import apps

from lumoflow.activity.models import ActivityEvent, Verb
from lumoflow.conversation import actions as conversation
from lumoflow.conversation.forms import EditForm, IdeaStatusForm, PostForm, ReplyForm
from lumoflow.core import limits
from lumoflow.people.forms import ProfileForm, TokenForm
from lumoflow.workspaces.forms import CheckInForm, MemberForm, WorkspaceForm


def _snapshot() -> dict[str, int]:
    """Rows of every table; pages read after a refusal record views, which are not writes, and
    may store the workspace's first metrics (`measure`: results derived from the log, not data
    anyone wrote)."""
    rows = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label != "measure"
    }
    rows["activity.ActivityEvent"] = ActivityEvent.objects.exclude(verb=Verb.VIEW).count()
    return rows


def _pages(org: Any) -> list[tuple[str, type[forms.Form], dict[str, Any]]]:
    idea = conversation.create_post(org.olivia, org.launch.pk, kind="idea", body="Dark mode")
    ws, kr = org.launch.pk, org.key_result.pk
    return [
        ("/profile", ProfileForm, {"time_zone": ""}),
        ("/profile/tokens", TokenForm, {}),
        ("/workspaces/new", WorkspaceForm, {"name": "N", "purpose": "P", "visibility": "public"}),
        (f"/workspaces/{ws}/members", MemberForm, {"username": "otto", "role": "member"}),
        (
            f"/key-results/{kr}/check-in",
            CheckInForm,
            {
                f"kr{kr}-value": "1",
                f"kr{kr}-confidence": "5",
                f"kr{kr}-date": date.today().isoformat(),
            },
        ),
        (f"/workspaces/{ws}/posts", PostForm, {"kind": "update", "body": "Hi"}),
        (f"/posts/{idea.pk}/reply", ReplyForm, {"body": "Hi"}),
        (f"/posts/{idea.pk}/edit", EditForm, {"body": "Hi"}),
        (f"/posts/{idea.pk}/idea-status", IdeaStatusForm, {"status": "adopted"}),
    ]


def test_every_form_text_field_one_past_its_limit_is_refused(org: Any, browser_client: Any) -> None:
    c = browser_client(org.olivia)
    pages = _pages(org)
    before = _snapshot()
    walked = []
    for url, form, valid in pages:
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or field.max_length is None:
                continue
            limit = field.max_length
            key = (
                f"{next(iter(valid)).split('-')[0]}-{name}"
                if "-" in next(iter(valid), "")
                else name
            )
            r = c.post(url, {**valid, key: "x" * (limit + 1)}, follow=True)
            assert r.status_code < 500, (url, name)
            page = r.content.decode()
            assert limits.too_long(limit, limit + 1) in page, (url, name, page[-1500:])
            assert _snapshot() == before, (url, name)
            walked.append(name)
    assert len(walked) >= 12, walked


@pytest.mark.parametrize("path", ["Made/Up", "/".join(["d" * 99] * 6)])
def test_a_department_outside_the_tree_is_refused_in_the_form(
    org: Any, browser_client: Any, path: str
) -> None:
    c = browser_client(org.mia)
    before = _snapshot()
    r = c.post("/profile", {"department": path, "time_zone": ""})
    assert "not one of the departments" in r.content.decode()
    assert _snapshot() == before
