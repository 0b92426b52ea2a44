"""An imported workspace without a stated purpose asks its owners for one on its page, and
takes it there; stating it clears the flag and the prompt."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.workspaces import actions
from lumoflow.workspaces.actions import WorkspaceRow
from lumoflow.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

PLACEHOLDER = "Imported from Slack #random — purpose not yet stated"


@pytest.fixture
def imported(org: Any) -> Workspace:
    (pk,) = actions.bulk_create_workspaces(
        org.ada, [WorkspaceRow("random", PLACEHOLDER, "public", None, True)]
    )
    actions.add_member(org.ada, pk, username="mia")
    return Workspace.objects.get(pk=pk)


def test_the_owner_is_asked_for_a_purpose_and_states_it_there(
    org: Any, browser_client: Any, imported: Workspace
) -> None:
    # given
    ada = browser_client(org.ada)
    page = ada.get(f"/workspaces/{imported.pk}").content.decode()
    assert "its purpose is not stated yet" in page and PLACEHOLDER in page
    assert f'action="/workspaces/{imported.pk}/purpose"' in page
    # a member is not asked
    mia_page = browser_client(org.mia).get(f"/workspaces/{imported.pk}").content.decode()
    assert "its purpose is not stated yet" not in mia_page
    # when
    r = ada.post(f"/workspaces/{imported.pk}/purpose", {"purpose": "Tea, cake and banter"})
    # then
    assert r.status_code == 302 and r["Location"] == f"/workspaces/{imported.pk}"
    imported.refresh_from_db()
    assert imported.purpose == "Tea, cake and banter" and not imported.purpose_pending
    page = ada.get(f"/workspaces/{imported.pk}").content.decode()
    assert "its purpose is not stated yet" not in page


def test_an_empty_purpose_is_refused_and_others_may_not_state_it(
    org: Any, browser_client: Any, imported: Workspace
) -> None:
    ada = browser_client(org.ada)
    r = ada.post(f"/workspaces/{imported.pk}/purpose", {"purpose": "  "}, follow=True)
    assert "Write what the workspace is for" in r.content.decode()
    r = browser_client(org.mia).post(f"/workspaces/{imported.pk}/purpose", {"purpose": "Mine"})
    imported.refresh_from_db()
    assert imported.purpose_pending and imported.purpose == PLACEHOLDER
    assert r.status_code in (302, 403)
