"""The foundation in a real browser: sign-in, workspaces, objectives, check-ins, keyboard use.

Each test also saves the screenshots a reviewer looks at (var/screenshots/).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _bar(page: Any, metric: str) -> Any:
    return page.get_by_role("progressbar", name=f"{metric} progress")


def test_sign_in_with_username_then_with_email(page: Any, live_server: Any, org: Any) -> None:
    # given
    page.goto(f"{live_server.url}/workspaces")
    expect(page).to_have_url(re.compile(r"/login"))
    screenshot(page, "login")

    # when
    login(page, live_server, "olivia", PASSWORD)

    # then
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Olivia")).to_be_visible()

    # when: signing out and in again with the e-mail address
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    login(page, live_server, "olivia@example.com", PASSWORD)

    # then
    expect(page.get_by_role("link", name="Olivia")).to_be_visible()


def test_wrong_password_shows_an_error(page: Any, live_server: Any, org: Any) -> None:
    # when
    login(page, live_server, "olivia", "not-the-password")

    # then
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("alert")).to_contain_text(re.compile("correct|password", re.I))
    expect(page.get_by_label("Username or e-mail")).to_have_value("olivia")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    screenshot(page, "login-error")


def test_create_workspace_needs_a_purpose_and_keeps_what_was_typed(
    page: Any, live_server: Any, org: Any
) -> None:
    # given
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/new")

    # when: the purpose is left blank
    page.get_by_label("Name").fill("Customer onboarding")
    page.get_by_role("button", name="Create workspace").click()

    # then
    purpose = page.locator(".field", has=page.get_by_label("Purpose"))
    expect(purpose.locator(".error")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Customer onboarding")
    screenshot(page, "workspace-create-error")

    # when: a purpose is given
    page.get_by_label("Purpose").fill("Get new customers live in two weeks instead of six.")
    page.get_by_role("button", name="Create workspace").click()

    # then: on to the first objective
    expect(page).to_have_url(re.compile(r"/workspaces/\d+/objectives/new"))
    expect(page.get_by_role("heading", name=re.compile("New objective"))).to_be_visible()


def _fill_key_result(page: Any, n: int, metric: str, baseline: str, target: str, due: str) -> None:
    kr = page.locator("fieldset.kr-fieldset").nth(n)
    kr.get_by_label("Metric").fill(metric)
    kr.get_by_label("Baseline").fill(baseline)
    kr.get_by_label("Target").fill(target)
    kr.get_by_label("Due").fill(due)


def _objective_with_flat_second_key_result(page: Any, live_server: Any, org: Any) -> None:
    """Open Finance's objective editor as Olivia and fill it; key result 2 has target = baseline."""
    login(page, live_server, "olivia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.finance.pk}/objectives/new")
    start, end = date.today() - timedelta(days=10), date.today() + timedelta(days=80)
    page.get_by_label("Title").fill("Close the books in five days")
    page.get_by_label("Description").fill("Month-end close without the overtime.")
    page.get_by_label("Start").fill(start.isoformat())
    page.get_by_label("End").fill(end.isoformat())
    _fill_key_result(page, 0, "Days to close", "9", "5", end.isoformat())
    _fill_key_result(page, 1, "Automated reconciliations", "40", "40", end.isoformat())


def test_objective_editor_adds_an_objective_with_two_key_results(
    page: Any, live_server: Any, org: Any
) -> None:
    # given: Finance has no objective yet; Olivia owns it
    _objective_with_flat_second_key_result(page, live_server, org)
    screenshot(page, "objectives-editor")

    # when: the second key result's target equals its baseline
    page.get_by_role("button", name="Save objective").click()

    # then: the error is shown and what was typed is kept
    expect(page.get_by_role("alert").first).to_contain_text("must differ from the baseline")
    expect(page.get_by_label("Title")).to_have_value("Close the books in five days")
    second = page.locator("fieldset.kr-fieldset").nth(1)
    expect(second.get_by_label("Metric")).to_have_value("Automated reconciliations")
    expect(second.get_by_label("Target")).to_have_value("40")
    screenshot(page, "objectives-editor-error")

    # when: the target is corrected
    second.get_by_label("Target").fill("90")
    page.get_by_role("button", name="Save objective").click()

    # then: the workspace page shows the objective and a bar per key result
    expect(page).to_have_url(re.compile(rf"/workspaces/{org.finance.pk}$"))
    expect(page.get_by_role("heading", name="Close the books in five days")).to_be_visible()
    expect(_bar(page, "Days to close")).to_have_attribute("aria-valuenow", "0")
    expect(_bar(page, "Automated reconciliations")).to_have_attribute("aria-valuenow", "0")


def test_key_result_target_equal_to_baseline_is_a_field_error_on_that_key_result(
    page: Any, live_server: Any, org: Any
) -> None:
    # given
    _objective_with_flat_second_key_result(page, live_server, org)

    # when
    page.get_by_role("button", name="Save objective").click()

    # then
    second = page.locator("fieldset.kr-fieldset").nth(1)
    target = second.locator(".field", has=page.locator("input[name$='-target']"))
    expect(target.locator(".error")).to_contain_text("must differ from the baseline", timeout=3000)


def test_check_in_moves_the_key_result_bar(page: Any, live_server: Any, org: Any) -> None:
    # given: Launch's "Signed pilots" goes from 0 to 10; Fred facilitates Launch
    login(page, live_server, "fred", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    bar = _bar(page, "Signed pilots")
    expect(bar).to_have_attribute("aria-valuenow", "0")

    # when
    page.get_by_text("Check in", exact=True).click()
    page.get_by_label("Value").fill("4")
    page.get_by_label("Confidence").fill("8")
    page.get_by_label("Note").fill("Two more pilots signed this week.")
    page.get_by_role("button", name="Save check-in").click()

    # then
    expect(bar).to_have_attribute("aria-valuenow", "40")
    expect(page.get_by_text(re.compile(r"confidence 8/10"))).to_be_visible()
    screenshot(page, "workspace-page")


def test_keyboard_alone_reaches_the_main_navigation_with_visible_focus(
    page: Any, live_server: Any, org: Any
) -> None:
    # given
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    target = page.get_by_role("navigation", name="Main").get_by_role("link", name="Workspaces")

    # when: tabbing from the top of the page
    page.locator("body").focus()
    reached = False
    for _ in range(8):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            reached = True
            break

    # then
    assert reached, "Tab never reached the Workspaces link of the main navigation"
    shadow = target.evaluate("el => getComputedStyle(el).boxShadow")
    outline = target.evaluate("el => getComputedStyle(el).outlineStyle")
    assert shadow != "none" or outline != "none", "the focused link shows no focus ring"
    screenshot(page, "keyboard-focus", keep_focus=True)

    # when: Enter follows the focused link
    page.keyboard.press("Enter")

    # then
    expect(page).to_have_url(re.compile(r"/workspaces$"))


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(
    page: Any, live_server: Any, org: Any
) -> None:
    # given
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces")

    # when
    page.keyboard.press("Tab")

    # then
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


def test_owner_is_nagged_until_the_workspace_has_an_objective(
    page: Any, live_server: Any, org: Any
) -> None:
    # given: Finance has no objective; Olivia owns it, Mia is a member
    login(page, live_server, "olivia", PASSWORD)

    # when
    page.goto(f"{live_server.url}/workspaces/{org.finance.pk}")

    # then
    nag = page.locator(".nag")
    expect(nag).to_be_visible()
    expect(nag).to_contain_text("first objective")
    screenshot(page, "workspace-nag")
    nag.get_by_role("link", name="Add an objective").click()
    expect(page).to_have_url(re.compile(rf"/workspaces/{org.finance.pk}/objectives/new"))

    # and: Launch has an objective, so no nag there
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    expect(page.locator(".nag")).to_have_count(0)


def test_directories_and_profile(page: Any, live_server: Any, org: Any) -> None:
    # given
    login(page, live_server, "olivia", PASSWORD)

    # when / then: the workspace directory lists what Olivia may see
    page.goto(f"{live_server.url}/workspaces")
    for name in ("Launch", "Finance", "Merger"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "workspace-directory")

    # when / then: the people directory
    page.goto(f"{live_server.url}/people")
    people = page.get_by_role("main")
    for name in ("Olivia", "Fred", "Mia", "Otto"):
        expect(people.get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "people-directory")

    # when / then: a person's page and the own profile
    people.get_by_role("link", name="Fred", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Fred"))).to_be_visible()
    screenshot(page, "person-page")
    page.goto(f"{live_server.url}/profile")
    expect(page.get_by_label("Display name")).to_be_visible()
    screenshot(page, "profile-page")


def test_each_key_results_check_in_field_is_labelled_on_its_own(
    page: Any, live_server: Any, org: Any
) -> None:
    # given: Launch's objective has a second key result
    from lumoflow.workspaces import actions

    actions.add_key_result(
        org.olivia,
        org.objective.pk,
        metric_name="Press articles",
        baseline=0,
        target=5,
        due=(date.today() + timedelta(days=60)).isoformat(),
    )
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")

    # when
    ids = page.locator("form[action*='/check-in'] input, form[action*='/check-in'] textarea")
    values = [el.get_attribute("id") for el in ids.all() if el.get_attribute("id")]

    # then
    assert len(values) == len(set(values)), f"repeated ids: {sorted(values)}"
