"""A check-in's date lies within its objective's period and not after today: the latest day's
value is the key result's current one, so a far date would pin it for good."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from lumoflow.core.errors import Invalid
from lumoflow.workspaces import actions as ws
from lumoflow.workspaces.models import CheckIn

TODAY = date.today()


def _check_in(api: Any, org: Any, value: float, day: date | str | None) -> Any:
    body: dict[str, Any] = {"value": value, "confidence": 6}
    if day is not None:
        body["date"] = str(day)
    return api(org.fred).post(f"/key-results/{org.key_result.pk}/check-ins", body)


def _current(api: Any, org: Any) -> float:
    items = api(org.fred).get(f"/workspaces/{org.launch.pk}/objectives").json()["items"]
    return float(items[0]["key_results"][0]["current"])


@pytest.mark.parametrize(
    "day",
    [
        "9999-12-31",
        "0001-01-01",
        TODAY + timedelta(days=1),  # the future, though within the period
        TODAY - timedelta(days=31),  # the day before the objective starts
    ],
)
def test_a_check_in_dated_outside_the_period_or_in_the_future_is_a_field_error(org, api, day):
    # given Launch v2, from 30 days ago to 60 days ahead
    # when a facilitator checks in with that date
    r = _check_in(api, org, 9, day)
    # then the date field says which days are allowed (409: the objective's period and today
    # refuse it, not its form), and nothing is recorded
    assert r.status_code == 409, r.content
    says = r.json()["errors"]["date"][0]
    assert str(TODAY - timedelta(days=30)) in says and str(TODAY) in says
    assert not CheckIn.objects.exists()


def test_a_key_result_can_no_longer_be_pinned(org, api):
    # given a check-in on the objective's first day and one today
    assert _check_in(api, org, 2, TODAY - timedelta(days=30)).status_code == 201
    assert _check_in(api, org, 4, None).status_code == 201
    assert _current(api, org) == 4
    # when someone tries to pin it with a far date
    assert _check_in(api, org, 10, "9999-12-31").status_code == 409
    # then a later check-in still moves it
    with time_machine.travel(TODAY + timedelta(days=1)):
        assert _check_in(api, org, 6, None).status_code == 201
        assert _current(api, org) == 6


def test_an_objective_not_started_takes_no_check_in(org):
    # given an objective starting next week
    later = ws.create_objective(
        org.olivia,
        org.launch.pk,
        title="Next quarter",
        start=TODAY + timedelta(days=7),
        end=TODAY + timedelta(days=97),
        key_results=[{"metric_name": "Deals", "baseline": 0, "target": 3, "due": TODAY}],
    )
    # when someone checks in today, then the date field says when it starts
    with pytest.raises(Invalid) as refused:
        ws.record_check_in(org.fred, later.key_results.get().pk, value=1, confidence=5)
    assert refused.value.errors["date"] == [
        f"The objective starts on {TODAY + timedelta(days=7)}: check in then."
    ]


def test_today_is_the_check_in_authors_own_day(org):
    # given Fred in Tokyo on Monday morning, while it is still Sunday in UTC
    org.fred.time_zone = "Asia/Tokyo"
    org.fred.save(update_fields=["time_zone"])
    sunday_evening_utc = time_machine.travel("2026-03-01 23:30:00+00:00", tick=False)
    with sunday_evening_utc:
        obj = ws.create_objective(
            org.olivia,
            org.launch.pk,
            title="March",
            start=date(2026, 3, 1),
            end=date(2026, 3, 31),
            key_results=[{"metric_name": "Deals", "baseline": 0, "target": 3, "due": "2026-03-31"}],
        )
        # when he checks in dated Monday, then it is accepted: it is Monday where he is
        ci = ws.record_check_in(
            org.fred, obj.key_results.get().pk, value=1, confidence=5, on="2026-03-02"
        )
    assert ci.date == date(2026, 3, 2)
