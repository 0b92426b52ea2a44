"""The executive view on the demo: the portfolio ranks the planted fading workspace among the
worst, and the department map shows the Manufacturing silo (read as the demo's CEO)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
import time_machine

from .conftest import UNTIL

pytestmark = pytest.mark.django_db


def test_the_ceo_sees_the_fading_workspace_ranked_low_and_the_silo(
    small_demo: dict[str, Any], api: Any
) -> None:
    from django.core.management import call_command

    from lumoflow.people.models import User

    # given the demo's metrics stored the day after it ends (as the worker keeps them)
    day_after = datetime.combine(UNTIL + timedelta(days=1), time(9))
    with time_machine.travel(day_after, tick=False):
        call_command("refresh_metrics")
        ceo = User.objects.get(username=small_demo["logins"]["ceo"]["username"])
        # when the CEO reads the portfolio and the map
        items = api(ceo).get("/org/portfolio").json()["items"]
        network = api(ceo).get("/org/network").json()
    # then the planted fading workspace is fading, in the group ranked first
    fading_id = small_demo["planted"]["fading_workspace"]["id"]
    row = next(i for i in items if i["workspace_id"] == fading_id)
    assert row["verdict"] == "fading"
    assert row["rank"] <= sum(1 for i in items if i["verdict"] == "fading")
    # with its reasons: the targets it misses, and the engine's evidence in sentences
    assert row["targets_missed"], row
    with time_machine.travel(day_after, tick=False):
        admin = User.objects.get(username=small_demo["logins"]["administrator"]["username"])
        fading = api(admin).get(f"/workspaces/{fading_id}/metrics", families="fading").json()
    assert [e["sentence"] for e in fading["fading"]["evidence"] if e.get("sentence")]
    # and the silo department is a silo on the map
    silo = small_demo["planted"]["silo"]["department"]
    assert silo in network["silos"]
    node = next(n for n in network["nodes"] if n["department"] == silo)
    assert node["ei_index"] <= -0.5 and node["people"] >= 5


def test_brokers_show_only_to_a_people_analytics_holder_and_each_view_is_audited(
    small_demo: dict[str, Any], api: Any, browser_client: Any
) -> None:
    from lumoflow.people.models import AuditEntry, User

    def user(role: str) -> Any:
        return User.objects.get(username=small_demo["logins"][role]["username"])

    admin, ceo, owner = user("administrator"), user("ceo"), user("workspace_owner")
    ws_id = small_demo["planted"]["steady_workspace"]["id"]
    page = f"/workspaces/{ws_id}/people-analytics"
    # when the CEO (an executive) and a workspace owner ask for the individual-level figures
    for person in (ceo, owner):
        assert browser_client(person).get(page).status_code == 403
        assert api(person).get(page).status_code == 403
        # and their health page shows no way in
        health = browser_client(person).get(f"/workspaces/{ws_id}/health")
        assert page not in health.content.decode()
    # then nothing was shown, so nothing is audited
    assert not AuditEntry.objects.exists()
    # when the administrator (a people-analytics holder) follows the health page's link
    health = browser_client(admin).get(f"/workspaces/{ws_id}/health").content.decode()
    assert page in health
    r = browser_client(admin).get(page)
    # then the brokers are named, planted brokers among them
    assert r.status_code == 200
    html = r.content.decode()
    assert "Brokers" in html and "Betweenness" in html
    named = [b for b in small_demo["planted"]["brokers"] if f">{b}</a>" in html]
    assert named, "no planted broker among the brokers shown"
    # and the view is in the audit log: who, what, which scope, through the page
    (entry,) = AuditEntry.objects.all()
    assert entry.viewer == admin and entry.via == "page"
    assert entry.scope.startswith(f"workspace {ws_id} (") and "brokers" in entry.what
