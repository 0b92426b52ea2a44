"""Every length limit is stated once (`lumoflow.core.limits`), and the form, the API and the action
all refuse one character past it with the same message."""

from __future__ import annotations

import re

import pytest

from lumoflow.core import limits
from lumoflow.core.errors import Invalid
from lumoflow.workspaces import actions as ws_actions
from lumoflow.workspaces.forms import CheckInForm, WorkspaceForm
from lumoflow.workspaces.models import CheckIn, Workspace

NOTE = limits.CHECK_IN_NOTE
SAYS = limits.too_long(NOTE, NOTE + 1)


def test_the_message_names_the_limit_and_the_length():
    assert SAYS == "At most 2000 characters (this has 2001)."


def test_model_fields_read_their_limit_from_one_place():
    assert CheckIn._meta.get_field("note").max_length == limits.CHECK_IN_NOTE
    assert Workspace._meta.get_field("name").max_length == limits.WORKSPACE_NAME
    assert Workspace._meta.get_field("purpose").max_length == limits.WORKSPACE_PURPOSE


def test_check_in_note_one_past_the_limit_is_refused_alike_by_form_api_and_action(org, api):
    # given a note one character too long, and one exactly at the limit
    long, fits = "n" * (NOTE + 1), "n" * NOTE
    kr = org.key_result.pk

    # when the form, the API and the action are each given it
    form = CheckInForm({"value": "5", "confidence": "7", "note": long})
    response = api(org.fred).post(
        f"/key-results/{kr}/check-ins", {"value": 5, "confidence": 7, "note": long}
    )
    with pytest.raises(Invalid) as refused:
        ws_actions.record_check_in(org.fred, kr, value=5, confidence=7, note=long)

    # then all three refuse it with the same words, and nothing was recorded
    assert not form.is_valid()
    assert form.errors["note"] == [SAYS]
    assert response.status_code == 422
    assert response.json()["errors"]["note"] == [SAYS]
    assert refused.value.errors["note"] == [SAYS]
    assert not CheckIn.objects.filter(key_result_id=kr).exists()
    # and all three take the longest note allowed
    assert CheckInForm({"value": "5", "confidence": "7", "note": fits}).is_valid()
    ok = api(org.fred).post(
        f"/key-results/{kr}/check-ins", {"value": 5, "confidence": 7, "note": fits}
    )
    assert ok.status_code == 201, ok.content
    assert ws_actions.record_check_in(org.fred, kr, value=6, confidence=7, note=fits).note == fits


def test_workspace_name_one_past_the_limit_is_refused_alike(org, api):
    long = "w" * (limits.WORKSPACE_NAME + 1)
    says = limits.too_long(limits.WORKSPACE_NAME, limits.WORKSPACE_NAME + 1)

    form = WorkspaceForm({"name": long, "purpose": "Why.", "visibility": "public"})
    response = api(org.olivia).post("/workspaces", {"name": long, "purpose": "Why."})
    with pytest.raises(Invalid) as refused:
        ws_actions.create_workspace(org.olivia, name=long, purpose="Why.")

    assert not form.is_valid() and form.errors["name"] == [says]
    assert response.status_code == 422 and response.json()["errors"]["name"] == [says]
    assert refused.value.errors["name"] == [says]


def test_api_schema_publishes_the_same_limits(db, client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["CheckInIn"]["properties"]["note"]["maxLength"] == limits.CHECK_IN_NOTE
    assert schema["WorkspaceIn"]["properties"]["name"]["maxLength"] == limits.WORKSPACE_NAME
    assert schema["HideIn"]["properties"]["reason"]["maxLength"] == limits.HIDDEN_REASON


def test_hand_written_check_in_form_takes_its_maxlength_from_the_limit(org, browser_client):
    page = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()
    found = re.findall(r'name="kr\d+-note"', page)
    assert found, "the check-in form is on the workspace page"
    assert f'maxlength="{limits.CHECK_IN_NOTE}" name="kr{org.key_result.pk}-note"' in page


def test_a_template_naming_no_limit_fails_loudly():
    from django.template import Context, Template, TemplateSyntaxError

    assert Template('{% load limits %}{% limit "HIDDEN_REASON" %}').render(Context()) == "500"
    with pytest.raises(TemplateSyntaxError):
        Template('{% load limits %}{% limit "NO_SUCH_LIMIT" %}').render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template('{% load limits %}{% limit "TOO_LONG" %}').render(Context())


def test_check_in_confidence_range_is_read_from_one_place(org, client):
    # given one past the most confident a check-in can be
    too_sure = limits.CONFIDENCE_MAX + 1
    kr = org.key_result.pk

    # then the form, the API schema and the action all draw the line at the same number
    form = CheckInForm({"value": "5", "confidence": str(too_sure)})
    assert not form.is_valid() and "confidence" in form.errors
    assert CheckInForm({"value": "5", "confidence": str(limits.CONFIDENCE_MAX)}).is_valid()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["CheckInIn"]["properties"]["confidence"]["maximum"] == limits.CONFIDENCE_MAX
    with pytest.raises(Invalid) as refused:
        ws_actions.record_check_in(org.fred, kr, value=5, confidence=too_sure)
    assert refused.value.errors["confidence"] == [
        f"Must be a whole number from 0 to {limits.CONFIDENCE_MAX}."
    ]
