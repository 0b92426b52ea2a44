"""Onboarding from the user's side: someone who follows nothing is offered people and workspaces
to follow on their home page, each one click away, and never a workspace they may not read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lumoflow.conversation import actions
from lumoflow.workspaces import actions as ws_actions
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def _aside(page: str) -> str:
    return page[page.index('id="follows"') :]


def _suggested(page: str) -> list[str]:
    box = _aside(page)
    if "Suggested to follow" not in box:
        return []
    box = box[box.index("Suggested to follow") : box.index("</section>")]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', box)


@pytest.fixture
def nina(org: Any) -> Any:
    """A new person in Olivia's department, reporting to her, following nothing."""
    return make_person("nina", name="Nina", department="Product/Platform", manager="olivia")


def test_new_person_is_offered_department_workspaces_manager_and_busy_public_ones(
    org: Any, nina: Any, browser_client: Any
) -> None:
    # given: a busy public workspace run by Finance people, a quiet one, and a secret one there
    help_ws = ws_actions.create_workspace(org.otto, name="Helpdesk", purpose="Answer questions.")
    for i in range(3):
        actions.create_post(org.otto, help_ws.pk, kind="update", body=f"Note {i}")
    ws_actions.create_workspace(org.mia, name="Quiet corner", purpose="Rarely used.")
    ws_actions.create_workspace(
        org.otto, name="Hidden audit", purpose="Secret work.", visibility="secret"
    )
    # when: Nina opens her home page
    page = browser_client(nina).get("/").content.decode()
    # then: her department's public workspace, her manager, then public workspaces by activity
    assert "Nobody and nothing yet" not in page
    assert _suggested(page) == ["Launch", org.olivia.name, "Helpdesk", "Quiet corner"]
    # and never a private or secret workspace she cannot read
    for hidden in ("Finance", "Merger", "Hidden audit"):
        assert hidden not in _aside(page)


def test_one_click_follow_moves_a_suggestion_into_what_i_follow(
    org: Any, nina: Any, browser_client: Any
) -> None:
    # given
    client = browser_client(nina)
    page = client.get("/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', _aside(page))
    assert form is not None and f'name="workspace_id" value="{org.launch.pk}"' in form.group(2)
    # when: the Follow button is pressed, as a plain form post (no JavaScript)
    response = client.post(form.group(1), {"workspace_id": org.launch.pk, "next": "/"})
    # then: back home, Launch is in "You follow" and the suggestions are gone
    assert response.status_code == 302 and response["Location"] == "/"
    after = client.get("/").content.decode()
    aside = _aside(after)
    assert f'<a href="/workspaces/{org.launch.pk}">Launch</a>' in aside
    assert _suggested(after) == []


def test_follow_suggestion_is_sent_in_place_swapping_the_side_bar(
    org: Any, nina: Any, browser_client: Any
) -> None:
    page = browser_client(nina).get("/").content.decode()
    box = _aside(page)
    assert 'hx-target="#follows"' in box and 'hx-select="#follows"' in box
    assert f'aria-label="Follow {org.olivia.name}"' in box


def test_person_who_follows_something_sees_no_suggestions(
    org: Any, nina: Any, browser_client: Any
) -> None:
    actions.follow(nina, username="olivia")
    page = browser_client(nina).get("/").content.decode()
    assert _suggested(page) == []
    assert "You follow" in _aside(page)
