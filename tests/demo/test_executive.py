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
    # and the silo department is a silo on the map
    silo = small_demo["planted"]["silo"]["department"]
    assert silo in network["silos"]
    node = next(n for n in network["nodes"] if n["department"] == silo)
    assert node["ei_index"] <= -0.5 and node["people"] >= 5
