"""Participation on a tiny log worked out by hand (see the comments for the arithmetic)."""

from __future__ import annotations

import datetime as dt

import pytest

from lumoflow.analytics.participation import absence_factor, gini, participation, top_share

from .conftest import frame_of, rows

PEOPLE = [
    {"actor": "ann", "department": "eng/platform"},
    {"actor": "bob", "department": "eng/apps"},
    {"actor": "cy", "department": "sales"},
    {"actor": "dee", "department": "sales/emea"},
    {"actor": "eve", "department": "sales"},
]
# week 1 (2024-03-04): ann post, bob reply, cy view
# week 2 (2024-03-11): ann post, dee reaction
# week 3 (2024-03-18): bob post, cy post, ann view
EVENTS = rows(
    ("2024-03-04T09:00Z", "ann", "post", {"object_id": "p1"}),
    ("2024-03-05T09:00Z", "bob", "reply", {"object_id": "r1", "parent_id": "p1"}),
    ("2024-03-06T09:00Z", "cy", "view", {"object_id": "p1"}),
    ("2024-03-11T09:00Z", "ann", "post", {"object_id": "p2"}),
    ("2024-03-12T09:00Z", "dee", "reaction", {"parent_id": "p2"}),
    ("2024-03-18T09:00Z", "bob", "post", {"object_id": "p3"}),
    ("2024-03-19T09:00Z", "cy", "post", {"object_id": "p4"}),
    ("2024-03-20T09:00Z", "ann", "view", {"object_id": "p4"}),
    workspace="w",
)


def test_counts_members_active_and_engaged_people() -> None:
    p = participation(frame_of(EVENTS, people=PEOPLE))
    # eve is listed but never acts: a member, not active
    assert (p.members, p.active, p.engaged, p.contributions) == (5, 4, 4, 6)


def test_inequality_figures_match_hand_computation() -> None:
    p = participation(frame_of(EVENTS, people=PEOPLE))
    # contributions [ann 2, bob 2, cy 1, dee 1, eve 0]: sorted [0,1,1,2,2], Σ(2i−n−1)x = 10
    assert p.gini == pytest.approx(10 / 30)
    assert p.top10_share == pytest.approx(2 / 6)  # top ceil(0.5)=1 person holds 2 of 6
    assert p.contributor_absence_factor == 2  # 2 + 2 ≥ half of 6
    assert p.lurker_share == pytest.approx(1 / 5)  # eve
    # departments by first segment: eng 4, sales 2 -> one department makes half
    assert p.department_absence_factor == 1
    assert p.by_department["eng"].value == pytest.approx(4 / 6)
    assert p.by_department["sales"].people == 3


def test_weekly_series_with_new_retained_returning_churned() -> None:
    p = participation(frame_of(EVENTS, people=PEOPLE))
    got = [
        (w.week, w.active, w.engaged, w.new, w.retained, w.returning, w.churned) for w in p.weekly
    ]
    assert got == [
        (dt.date(2024, 3, 4), 3, 2, 3, 0, 0, 0),
        (dt.date(2024, 3, 11), 2, 2, 1, 1, 0, 2),  # bob and cy churned, dee new, ann retained
        (dt.date(2024, 3, 18), 3, 2, 0, 1, 2, 1),  # bob and cy return, dee churned
    ]
    assert [w.active_share for w in p.weekly] == pytest.approx([0.6, 0.4, 0.6])
    # 28-day actives: 3, 4, 4 -> stickiness 1, 0.5, 0.75
    assert [w.stickiness for w in p.weekly] == pytest.approx([1.0, 0.5, 0.75])
    assert p.stickiness == pytest.approx(0.75)
    assert p.weekly_active_share == pytest.approx(1.6 / 3)


def test_funnel_counts_how_far_people_went() -> None:
    # given: ann posts; bob replies and posts; cy views and posts; dee reacts; eve does nothing
    p = participation(frame_of(EVENTS, people=PEOPLE))
    # then every step counts the people who reached it or went further
    steps = {k: (g.value, g.people) for k, g in p.funnel.items()}
    assert steps == {
        "readers": (4, 4),
        "reactors": (4, 4),
        "repliers": (3, 3),
        "posters": (3, 3),
    }


def test_funnel_steps_under_the_threshold_are_hidden() -> None:
    # given a threshold of 4: four readers and reactors are shown, three repliers are not
    p = participation(frame_of(EVENTS, people=PEOPLE, min_group_size=4))
    assert p.funnel["readers"].value == 4 and not p.funnel["readers"].suppressed
    assert p.funnel["repliers"].suppressed and p.funnel["repliers"].value is None
    assert p.funnel["posters"].suppressed and p.funnel["posters"].people is None


def test_small_weeks_are_suppressed_not_shown() -> None:
    p = participation(frame_of(EVENTS, people=PEOPLE, min_group_size=3))
    week2 = p.weekly[1]
    assert week2.suppressed and week2.active is None and week2.people is None
    assert p.by_department["eng"].value is None and p.by_department["eng"].suppressed


def test_a_week_nobody_was_active_in_is_zero_not_suppressed() -> None:
    # given: activity in the first and third weeks, none in the second
    events = rows(
        *[("2024-03-04", f"u{i}", "post") for i in range(5)],
        *[("2024-03-18", f"u{i}", "post") for i in range(5)],
        workspace="w",
    )
    # when
    p = participation(frame_of(events, min_group_size=5))
    # then: the silent week reads as zero people, not as a hidden small group
    silent = p.weekly[1]
    assert (silent.week, silent.active, silent.posts, silent.suppressed) == (
        dt.date(2024, 3, 11),
        0,
        0,
        False,
    )
    assert [w.active for w in p.weekly] == [5, 0, 5]


def test_newcomers_return_within_30_days_and_inactive_contributors() -> None:
    events = rows(
        ("2024-01-01T09:00Z", "ann", "post"),
        ("2024-01-03T09:00Z", "ann", "view"),  # ann returns on a later day
        ("2024-01-01T10:00Z", "bob", "post"),
        ("2024-01-01T11:00Z", "bob", "view"),  # same day: not a return
        ("2024-01-02T09:00Z", "cy", "post"),
        ("2024-03-15T09:00Z", "cy", "post"),  # cy contributed in the last 60 days
        ("2024-04-01T09:00Z", "dee", "post"),  # dee: first event too late to see 30 days
    )
    p = participation(frame_of(events))
    assert p.newcomers == 4
    assert (p.newcomer_return_30d.value, p.newcomer_return_30d.people) == (pytest.approx(1 / 3), 3)
    # period ends 2024-04-01: ann and bob last contributed on 1 January
    assert p.inactive_contributors == 2


def test_cohort_retention_at_one_month() -> None:
    events = rows(
        ("2024-01-05T09:00Z", "ann", "post"),
        ("2024-01-06T09:00Z", "bob", "post"),
        ("2024-02-07T09:00Z", "ann", "post"),  # ann kept in month 1, bob not
        ("2024-02-08T09:00Z", "cy", "post"),
    )
    p = participation(frame_of(events))
    # only the January cohort can be seen one month on (last month: February)
    assert p.cohort_retention["1m"].value == pytest.approx(0.5)
    assert p.cohort_retention["1m"].people == 2
    assert p.cohort_retention["3m"].value is None


def test_helpers_on_known_values() -> None:
    assert gini(__import__("numpy").array([5, 5, 5])) == pytest.approx(0.0)
    assert top_share(__import__("numpy").array([9, 1]), 0.1) == pytest.approx(0.9)
    assert absence_factor(__import__("numpy").array([1, 1, 1, 1])) == 2


def test_tables_in_several_chunks_give_the_same_answers() -> None:
    import pyarrow as pa

    from lumoflow.analytics.fading import fading_signal
    from lumoflow.analytics.frame import Options, make_frame
    from lumoflow.analytics.log import InteractionLog, make_log

    log = make_log(EVENTS, PEOPLE)
    ev = log.events
    chunked = pa.concat_tables([ev.slice(0, 3), ev.slice(3, 2), ev.slice(5)])
    assert chunked["actor"].num_chunks == 3
    split = InteractionLog(chunked, log.people, log.workspaces, log.meta)
    one = make_frame(log, options=Options(min_group_size=1))
    many = make_frame(split, options=Options(min_group_size=1))
    assert participation(one) == participation(many)
    assert fading_signal(one) == fading_signal(many)
