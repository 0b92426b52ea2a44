"""Workspace pages through the browser's HTTP requests (forms, errors, nags, bars)."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from lumoflow.workspaces import actions as ws


def test_create_workspace_form_keeps_typed_text_on_error(org, browser_client):
    c = browser_client(org.mia)
    r = c.post(
        "/workspaces/new", {"name": "Support desk", "purpose": "   ", "visibility": "public"}
    )
    assert r.status_code == 200
    assert b"This field is required" in r.content and b"Support desk" in r.content


def test_create_workspace_then_set_objective(org, browser_client):
    c = browser_client(org.mia)
    r = c.post(
        "/workspaces/new",
        {"name": "Support", "purpose": "Answer customers fast.", "visibility": "private"},
    )
    assert r.status_code == 302 and r["Location"].endswith("/objectives/new")
    today = date.today()
    form = {
        "o-title": "Faster answers",
        "o-description": "",
        "o-start": str(today),
        "o-end": str(today + timedelta(days=90)),
        "kr-TOTAL_FORMS": "2",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "1",
        "kr-MAX_NUM_FORMS": "10",
        "kr-0-metric_name": "Median reply hours",
        "kr-0-unit": "h",
        "kr-0-baseline": "24",
        "kr-0-target": "4",
        "kr-0-direction": "",
        "kr-0-due": str(today + timedelta(days=90)),
    }
    r = c.post(r["Location"], form)
    assert r.status_code == 302
    page = c.get(r["Location"])
    assert b"Faster answers" in page.content and b"Median reply hours" in page.content
    assert b'role="progressbar"' in page.content


def test_objective_editor_shows_target_equal_to_baseline_error(org, browser_client):
    c = browser_client(org.olivia)
    today = date.today()
    r = c.post(
        f"/workspaces/{org.launch.pk}/objectives/new",
        {
            "o-title": "Flat",
            "o-start": str(today),
            "o-end": str(today + timedelta(days=9)),
            "kr-TOTAL_FORMS": "1",
            "kr-INITIAL_FORMS": "0",
            "kr-MIN_NUM_FORMS": "1",
            "kr-MAX_NUM_FORMS": "10",
            "kr-0-metric_name": "Pilots",
            "kr-0-baseline": "3",
            "kr-0-target": "3",
            "kr-0-due": str(today),
        },
    )
    assert r.status_code == 200
    assert b"The target must differ from the baseline" in r.content and b"Flat" in r.content


def test_members_cannot_open_the_objective_editor(org, browser_client):
    r = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}/objectives/new")
    assert r.status_code == 403


def test_secret_workspace_page_is_404_for_outsiders(org, browser_client):
    assert browser_client(org.otto).get(f"/workspaces/{org.merger.pk}").status_code == 404


def test_owners_are_nagged_until_an_objective_exists(org, browser_client):
    page = browser_client(org.olivia).get(f"/workspaces/{org.merger.pk}")
    assert b"Set this workspace's first objective by" in page.content
    with time_machine.travel(date.today() + timedelta(days=20)):
        page = browser_client(org.olivia).get(f"/workspaces/{org.merger.pk}")
        assert b"was due to have an objective" in page.content
    assert (
        b"first objective"
        not in browser_client(org.olivia).get(f"/workspaces/{org.launch.pk}").content
    )


def test_check_in_form_moves_the_bar(org, browser_client):
    c = browser_client(org.fred)
    r = c.post(
        f"/key-results/{org.key_result.pk}/check-in",
        {f"kr{org.key_result.pk}-value": "5", f"kr{org.key_result.pk}-confidence": "7"},
    )
    assert r.status_code == 302
    page = c.get(r["Location"])
    assert b'aria-valuenow="50"' in page.content


def test_bad_check_in_says_why(org, browser_client):
    c = browser_client(org.fred)
    r = c.post(
        f"/key-results/{org.key_result.pk}/check-in",
        {f"kr{org.key_result.pk}-value": "x", f"kr{org.key_result.pk}-confidence": "99"},
        follow=True,
    )
    assert b"Check-in not saved" in r.content


def test_engagement_targets_default_and_can_be_changed(org, browser_client):
    c = browser_client(org.olivia)
    page = c.get(f"/workspaces/{org.launch.pk}")
    assert b"40%" in page.content and b"8 h" in page.content and b"70%" in page.content
    r = c.post(
        f"/workspaces/{org.launch.pk}/settings",
        {
            "form": "targets",
            "target_weekly_active_share": "55",
            "target_first_reply_hours": "4",
            "target_on_topic_share": "80",
        },
    )
    assert r.status_code == 302
    page = c.get(f"/workspaces/{org.launch.pk}")
    assert b"55%" in page.content and b"4 h" in page.content and b"80%" in page.content


def test_settings_are_for_owners_only(org, browser_client):
    assert browser_client(org.fred).get(f"/workspaces/{org.launch.pk}/settings").status_code == 403


def test_status_colours_follow_the_elapsed_share(org, browser_client):
    # given an objective that is 90% through its period with 10% progress
    today = date.today()
    obj = ws.create_objective(
        org.olivia,
        org.launch.pk,
        title="Late",
        start=today - timedelta(days=90),
        end=today + timedelta(days=10),
        key_results=[{"metric_name": "Done", "baseline": 0, "target": 10, "due": today}],
    )
    ws.record_check_in(org.olivia, obj.key_results.get().pk, value=1, confidence=2)
    page = browser_client(org.olivia).get(f"/workspaces/{org.launch.pk}")
    assert b'class="status off_track"' in page.content


def test_directory_and_join_button(org, browser_client):
    c = browser_client(org.otto)
    page = c.get("/workspaces")
    assert b"Launch" in page.content and b"Merger" not in page.content
    r = c.post(f"/workspaces/{org.launch.pk}/join", follow=True)
    assert b"Welcome aboard" in r.content


def _objective_form(today, owner):
    return {
        "o-title": "Pilots",
        "o-start": str(today - timedelta(days=3)),
        "o-end": str(today + timedelta(days=9)),
        "kr-TOTAL_FORMS": "1",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "1",
        "kr-MAX_NUM_FORMS": "10",
        "kr-0-metric_name": "Pilot customers",
        "kr-0-baseline": "0",
        "kr-0-target": "3",
        "kr-0-due": str(today),
        "kr-0-owner": owner,
    }


def test_a_key_result_owner_is_named_in_the_editor_shown_and_checks_in(org, browser_client):
    c = browser_client(org.olivia)
    r = c.post(f"/workspaces/{org.launch.pk}/objectives/new", _objective_form(date.today(), "mia"))
    assert r.status_code == 302
    page = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()
    assert '<b>Pilot customers</b> <span class="muted">· owner Mia' in page
    from lumoflow.workspaces.models import KeyResult

    kr = KeyResult.objects.get(metric_name="Pilot customers")
    r = browser_client(org.mia).post(
        f"/key-results/{kr.pk}/check-in", {f"kr{kr.pk}-value": "1", f"kr{kr.pk}-confidence": "7"}
    )
    assert r.status_code == 302 and kr.check_ins.count() == 1


def test_a_key_result_owner_who_is_no_member_is_a_field_error(org, browser_client):
    c = browser_client(org.olivia)
    r = c.post(f"/workspaces/{org.launch.pk}/objectives/new", _objective_form(date.today(), "otto"))
    assert r.status_code == 200
    assert b"&#x27;otto&#x27; is not a member of &#x27;Launch&#x27;." in r.content
    assert b"Pilots" in r.content
    from lumoflow.workspaces.models import Objective

    assert not Objective.objects.filter(title="Pilots").exists()
