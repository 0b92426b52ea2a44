"""The privacy guard has no way round it: the selection rule, complements, hidden counts, and
formats that agree. Each case is built by hand; test_privacy.py checks the same on random logs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from lumoflow.analytics.cli import main
from lumoflow.analytics.frame import Options
from lumoflow.analytics.html import render_html
from lumoflow.analytics.log import InteractionLog, make_log, write_log
from lumoflow.analytics.privacy import secondary_suppression
from lumoflow.analytics.report import analyze, guard_fading, render_text, report_data

FAMILIES = ("participation", "responsiveness", "fading", "network", "relevance", "value")


def _week(w: int, day: int = 0) -> str:
    return (dt.date(2024, 1, 1) + dt.timedelta(weeks=w, days=day)).isoformat() + "T09:00:00Z"


def _org_log(*, small_team: int = 3) -> InteractionLog:
    """Ten weeks in workspace ``big`` (people b0..b7, replying to each other) and workspace
    ``small`` where ``small_team`` people (s0..) post and answer each other."""
    events: list[dict[str, Any]] = []
    for w in range(10):
        for p in range(8):
            events.append(
                dict(
                    event_id=f"b{w}-{p}",
                    ts=_week(w, p % 5),
                    actor=f"b{p}",
                    verb="post" if p % 2 == 0 else "reply",
                    workspace="big",
                    object_id=f"bo{w}-{p}",
                    parent_id="" if p % 2 == 0 else f"bo{w}-{p - 1}",
                    kind="question" if p % 4 == 0 else "",
                )
            )
        for p in range(small_team):
            events.append(
                dict(
                    event_id=f"s{w}-{p}",
                    ts=_week(w, p),
                    actor=f"s{p}",
                    verb="post" if p == 0 else "reply",
                    workspace="small",
                    object_id=f"so{w}-{p}",
                    parent_id="" if p == 0 else f"so{w}-0",
                    kind="question" if p == 0 else "",
                )
            )
    people = [{"actor": f"b{p}", "department": "eng" if p < 5 else "ops"} for p in range(8)]
    people += [{"actor": f"s{p}", "department": "legal"} for p in range(small_team)]
    return make_log(events, people, [{"workspace": "big"}, {"workspace": "small"}])


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# 1. The selection itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "selection",
    [
        ["--workspace", "small"],
        ["--workspace", "big", "--from", "2024-01-01", "--to", "2024-01-01"],
    ],
)
def test_a_selection_of_fewer_people_than_the_threshold_shows_nothing_in_any_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], selection: list[str]
) -> None:
    # given: workspace "small" has 3 people; big's first day has 1 poster
    log = str(write_log(_org_log(), tmp_path / "log"))
    # when
    outputs = {
        fmt: _cli(capsys, log, *selection, "--format", fmt) for fmt in ("json", "text", "html")
    }
    # then: every format withholds the whole result and says why in one sentence
    assert all(code == 0 for code, _, _ in outputs.values())
    data = json.loads(outputs["json"][1])
    assert all(data[f] is None for f in FAMILIES)
    reason = data["privacy"]["selection"]["reason"]
    assert data["privacy"]["selection"]["suppressed"] is True
    assert "fewer than 5 people" in reason and reason.startswith("Nothing is shown")
    assert data["input"]["events"] is None and data["input"]["selected_events"] is None
    assert data["input"]["first_ts"] is None and data["input"]["people"] is None
    text, page = outputs["text"][1], outputs["html"][1]
    assert text.startswith(reason)
    assert "Fading verdict" not in text and "first reply" not in text and "Gini" not in text
    assert reason in page.replace("&#x27;", "'") and "Is it fading" not in page


def test_a_selection_of_enough_people_is_measured() -> None:
    report = analyze(_org_log(small_team=5), workspace="small", options=Options())
    data = report_data(report)
    assert data["privacy"]["selection"] == {"suppressed": False, "reason": None}
    assert data["responsiveness"]["posts"] == 10 and data["input"]["selected_events"] == 50


def test_the_selection_counts_the_people_addressed_as_well_as_those_acting() -> None:
    # given: two senders writing to three more people: five people in the selection
    events = [
        dict(event_id=f"m{i}", ts=_week(i), actor=f"a{i % 2}", verb="message",
             target_actor=f"t{i % 3}")
        for i in range(12)
    ]  # fmt: skip
    data = report_data(analyze(make_log(events), options=Options()))
    assert data["privacy"]["selection"]["suppressed"] is False
    assert data["network"]["nodes"] == 5


# 2. Complements ------------------------------------------------------------------------------


def test_a_small_department_share_cannot_be_recomputed_from_the_others() -> None:
    # given: eng 5 people, ops 3 people, legal 3 people; legal and ops are each under 5
    log = _org_log()
    raw = report_data(analyze(log, options=Options(min_group_size=1)))["participation"]
    data = report_data(analyze(log, options=Options()))["participation"]
    shares = data["by_department"]
    # then: legal and ops are suppressed, and so is eng, the smallest group shown, so
    # "one minus the others" gives nothing about a group under 5
    assert [d for d, g in shares.items() if g["suppressed"]] == ["eng", "legal", "ops"]
    shown = sum(g["value"] for g in shares.values() if not g["suppressed"])
    for dept in ("legal", "ops"):
        assert 1 - shown != pytest.approx(raw["by_department"][dept]["value"])


def test_one_hidden_department_hides_the_next_smallest_and_no_more() -> None:
    # given: four departments: 9, 6, 7 and 2 people
    dept = ["a"] * 9 + ["b"] * 6 + ["c"] * 7 + ["d"] * 2
    events = [
        dict(event_id=f"e{w}-{i}", ts=_week(w), actor=f"p{i}", verb="post", object_id=f"o{w}-{i}")
        for w in range(3)
        for i in range(len(dept))
    ]
    people = [{"actor": f"p{i}", "department": d} for i, d in enumerate(dept)]
    data = report_data(analyze(make_log(events, people), options=Options()))
    groups = data["participation"]["by_department"]
    # then: d (2 people) and b (6, the smallest of the rest) hidden; a and c shown
    assert {d: g["suppressed"] for d, g in groups.items()} == {
        "a": False,
        "b": True,
        "c": False,
        "d": True,
    }
    assert groups["a"] == {"value": pytest.approx(9 / 24), "people": 9, "suppressed": False}
    # department sizes: the total minus the shown groups only gives b and d together (8 people)
    assert groups["b"]["people"] is None and groups["d"]["people"] is None


def test_a_small_department_ei_index_cannot_be_recomputed_from_the_overall_index() -> None:
    # given: two departments, eng (5 people) and legal (3); with one hidden, the overall index
    # and eng's give legal's exactly (E-I is a ratio of tie counts)
    events = [
        dict(event_id=f"e{i}", ts=_week(i % 4), actor=a, verb="message", target_actor=b)
        for i, (a, b) in enumerate(
            [("e0", "e1"), ("e1", "e2"), ("e2", "e3"), ("e3", "e4"), ("e4", "l0"),
             ("l0", "l1"), ("l1", "l2"), ("l2", "e0"), ("e1", "e3")]
        )
    ]  # fmt: skip
    people = [{"actor": f"e{i}", "department": "eng"} for i in range(5)]
    people += [{"actor": f"l{i}", "department": "legal"} for i in range(3)]
    data = report_data(analyze(make_log(events, people), options=Options()))
    ei = data["network"]["ei_index"]
    assert ei["overall"] is not None
    assert ei["by_department"]["legal"]["suppressed"] and ei["by_department"]["eng"]["suppressed"]


def test_a_small_week_cannot_be_recomputed_as_the_total_minus_the_other_weeks() -> None:
    # given: 8 people post every week but in week 4 only 2 of them do
    events = [
        dict(event_id=f"e{w}-{p}", ts=_week(w, p % 5), actor=f"p{p}", verb="post",
             object_id=f"o{w}-{p}")
        for w in range(8)
        for p in range(2 if w == 4 else 8 - w % 2)
    ]  # fmt: skip
    data = report_data(analyze(make_log(events), options=Options()))
    weekly = data["responsiveness"]["weekly"]
    hidden = [w for w in weekly if w["suppressed"]]
    # then: two weeks hidden, one of them of at least 5 people (7, the smallest shown)
    assert [w["week"] for w in hidden] == ["2024-01-08", "2024-01-29"]
    total_minus_rest = data["responsiveness"]["posts"] - sum(
        w["posts"] for w in weekly if not w["suppressed"]
    )
    assert total_minus_rest == 2 + 7  # the two weeks together, not week 4 alone
    weeks = data["participation"]["weekly"]
    # participation: week 4 (2 people) and the weeks when 7 of the 8 members were active (one
    # was not: members minus active would say so) show nothing, and then the smallest shown
    hidden_rows = [w["week"] for w in weeks if w["suppressed"]]
    assert hidden_rows == [_week(w)[:10] for w in (0, 1, 3, 4, 5, 7)]
    # a week's posts follow the rule responsiveness follows: the same weeks lose their posts
    shown_posts = [w for w in weeks if w["posts"] is not None]
    assert {w["week"] for w in weeks if not w["suppressed"] and w["posts"] is None} == set()
    assert {w["week"] for w in shown_posts}.isdisjoint(h["week"] for h in hidden)
    assert data["input"]["events_by_verb"]["post"] - sum(w["posts"] for w in shown_posts) >= 9


def test_secondary_suppression_picks_the_smallest_group_of_at_least_the_threshold() -> None:
    assert secondary_suppression(
        [None, 6, 5, 0, 9], [True, False, False, False, False], 5
    ).tolist() == [
        True,
        False,
        True,
        False,
        False,
    ]
    # a hidden group already holding the threshold needs no partner; nothing hidden, nothing added
    assert secondary_suppression([7, 8], [True, False], 5).tolist() == [True, False]
    assert secondary_suppression([7, 8], [False, False], 5).tolist() == [False, False]
    # nothing left to hide with: every group is already hidden
    assert secondary_suppression([None, None], [True, True], 5).tolist() == [True, True]


# 3. Counts on suppressed rows ----------------------------------------------------------------


def test_a_suppressed_weekly_row_carries_no_people_count() -> None:
    data = report_data(analyze(_org_log(), workspace="big", options=Options(min_group_size=6)))
    rows = data["participation"]["weekly"] + data["responsiveness"]["weekly"]
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden, "the test needs suppressed weeks"
    for row in hidden:
        assert {k for k, v in row.items() if v is not None} == {"week", "suppressed"}


# 4. Formats agree ----------------------------------------------------------------------------


def _fading_log() -> InteractionLog:
    # 20 weeks, 20 people falling to 1: the last quarter averages fewer than 5 active people
    return make_log(
        [
            dict(event_id=f"{w}-{p}", ts=_week(w), actor=f"p{p}", verb="post", workspace="w")
            for w in range(20)
            for p in range(20 - w)
        ]
    )


def test_json_shows_no_fading_figure_that_text_calls_fewer_than_the_threshold() -> None:
    report = analyze(_fading_log(), options=Options())
    assert report.fading is not None
    assert 0 < (report.fading.trends["active_contributors"].last or 0) < 5  # the hidden figure
    data = report_data(report)
    active = data["fading"]["trends"]["active_contributors"]
    text = render_text(data)
    assert "fewer than 5" in text
    assert active["last"] is None and active["change"] is None and active["first"] >= 5


def test_text_and_html_render_the_guarded_data_alone() -> None:
    data = report_data(analyze(_org_log(), options=Options()))
    before = json.dumps(data, sort_keys=True)
    text, page = render_text(data), render_html(data)
    assert json.dumps(data, sort_keys=True) == before  # rendering changes nothing
    assert text == render_text(json.loads(before)) and page == render_html(json.loads(before))


# 5. Whole-selection counts of people ---------------------------------------------------------


def _few_engaged_log(readers: int = 4) -> InteractionLog:
    """Twelve members; ten weeks where a0 posts, a1 replies and a2.. (``readers``) only read."""
    events: list[dict[str, Any]] = []
    for w in range(10):
        events.append(dict(event_id=f"p{w}", ts=_week(w), actor="a0", verb="post",
                           workspace="w", object_id=f"o{w}"))  # fmt: skip
        events.append(dict(event_id=f"r{w}", ts=_week(w, 1), actor="a1", verb="reply",
                           workspace="w", object_id=f"r{w}", parent_id=f"o{w}"))  # fmt: skip
        events += [
            dict(event_id=f"v{w}-{p}", ts=_week(w, 2), actor=f"a{p}", verb="view",
                 workspace="w", object_id=f"v{w}-{p}", parent_id=f"o{w}")
            for p in range(2, 2 + readers)
        ]  # fmt: skip
    people = [{"actor": f"a{i}", "department": "eng"} for i in range(12)]
    return make_log(events, people, [{"workspace": "w"}])


def test_a_count_of_fewer_people_than_the_threshold_reads_fewer_than_in_every_format() -> None:
    # given: 6 of 12 members active, only 2 of them engaged (posted or replied), no one
    # gone quiet, and 10 people with no tie to anyone
    data = report_data(analyze(_few_engaged_log(), options=Options()))
    raw = report_data(analyze(_few_engaged_log(), options=Options(min_group_size=1)))
    p, n = data["participation"], data["network"]
    # then: the count under the threshold is null and listed as suppressed, with the share
    # that would give it back (lurkers = members - engaged); larger counts and zero are shown
    assert raw["participation"]["engaged"] == 2
    assert p["engaged"] is None and p["lurker_share"] is None
    assert p["suppressed_counts"] == ["engaged", "contributor_absence_factor"]
    assert p["active"] == 6 and p["members"] == 12 and p["inactive_contributors"] == 0
    # the 10 isolated people are withheld too: the 12 people minus them would give the 2
    # who are tied to someone
    assert raw["network"]["isolated"]["count"] == 10 and n["nodes"] == 12
    assert n["isolated"] == {"count": None, "share": None, "suppressed": True}
    text, page = render_text(data), render_html(data)
    assert "isolated people fewer than 5" not in text and "isolated people withheld" in text
    assert "engaged fewer than 5," in text and "inactive contributors 0" in text
    row = page.split("Engaged (posted, replied, reacted, wrote)")[1].split("</tr>")[0]
    assert "fewer than 5 people" in row and ">2<" not in row


def test_a_contributor_absence_factor_under_the_threshold_reads_fewer_than() -> None:
    # given: two people make every contribution, so one person's absence halves them
    data = report_data(analyze(_few_engaged_log(), options=Options()))
    raw = report_data(analyze(_few_engaged_log(), options=Options(min_group_size=1)))
    p = data["participation"]
    # then: the factor (a count of people) is null and listed as suppressed in JSON, and
    # text and HTML read "fewer than 5"
    assert raw["participation"]["contributor_absence_factor"] == 1
    assert p["contributor_absence_factor"] is None
    assert "contributor_absence_factor" in p["suppressed_counts"]
    assert "contributor absence factor fewer than 5" in render_text(data)
    page = render_html(data)
    card = page.split("Contributor absence factor</abbr>")[1].split("</div>")[0]
    assert "fewer than 5 people" in card and ">1<" not in card


def test_largest_components_under_the_threshold_read_fewer_than() -> None:
    # given: only a0 and a1 write to each other (a weak component of 2, strong ones of 1)
    data = report_data(analyze(_few_engaged_log(), options=Options()))
    raw = report_data(analyze(_few_engaged_log(), options=Options(min_group_size=1)))
    n = data["network"]
    # then: the node counts and the ties inside are null and listed as suppressed; text and
    # HTML read "fewer than 5"
    assert raw["network"]["largest_wcc_nodes"] == 2 and raw["network"]["largest_scc_nodes"] == 1
    keys = ("largest_wcc_nodes", "largest_wcc_edges", "largest_scc_nodes", "largest_scc_edges")
    assert all(n[k] is None for k in keys)
    assert {"largest_wcc_nodes", "largest_scc_nodes"} <= set(n["suppressed_counts"])
    text = render_text(data)
    assert "(largest fewer than 5 nodes)" in text and "None" not in text
    page = render_html(data)
    row = page.split("People in the largest component")[1].split("</div>")[0]
    assert "fewer than 5 people" in row and ">2<" not in row


def test_a_weeks_posts_hidden_in_responsiveness_are_hidden_in_participation_too() -> None:
    # given: one person posts each week, so responsiveness withholds every week's posts
    data = report_data(analyze(_few_engaged_log(), options=Options()))
    raw = report_data(analyze(_few_engaged_log(), options=Options(min_group_size=1)))
    assert [w["posts"] for w in raw["participation"]["weekly"]] == [1] * 10
    hidden = {w["week"] for w in data["responsiveness"]["weekly"] if w["suppressed"]}
    # then: participation shows no post count for those weeks either (nor replies: one person
    # replies each week), while the weeks' 6 active people are shown
    assert len(hidden) == 10
    weeks = data["participation"]["weekly"]
    assert all(w["posts"] is None and w["replies"] is None for w in weeks if w["week"] in hidden)
    assert [w["active"] for w in weeks] == [6] * 10


def test_a_weeks_breakdown_of_fewer_people_than_the_threshold_is_hidden() -> None:
    # given: each week 6 people are active, of whom 2 engaged (posted or replied)
    data = report_data(analyze(_few_engaged_log(), options=Options()))
    raw = report_data(analyze(_few_engaged_log(), options=Options(min_group_size=1)))
    assert {w["engaged"] for w in raw["participation"]["weekly"]} == {2}
    # then: the weeks are shown, but not their breakdown (engaged, new, retained, returning,
    # churned, stickiness): 2 engaged, or 6 - 2 not engaged, is a group of fewer than 5
    for w in data["participation"]["weekly"]:
        assert not w["suppressed"] and w["active"] == 6
        assert [w[k] for k in ("engaged", "new", "retained", "returning", "churned")] == [None] * 5
        assert w["stickiness"] is None


def test_members_minus_a_shown_count_gives_no_small_group_away() -> None:
    # given: 9 of the 12 members active, so 3 are not
    data = report_data(analyze(_few_engaged_log(readers=7), options=Options()))
    raw = report_data(analyze(_few_engaged_log(readers=7), options=Options(min_group_size=1)))
    p = data["participation"]
    assert raw["participation"]["active"] == 9 and p["members"] == 12
    # then: the active count is withheld (12 minus it would give the 3), in every format, and
    # so is every week's row (each week 9 of 12 were active)
    assert p["active"] is None and p["withheld_counts"] == ["active"]
    assert all(w["suppressed"] for w in p["weekly"])
    assert "active withheld," in render_text(data)
    page = render_html(data)
    row = page.split("Active in the period")[1].split("</tr>")[0]
    assert "withheld" in row and ">9<" not in row
    assert "No one was active" not in page


def test_network_groups_under_the_threshold_are_withheld() -> None:
    # given: eight people writing to each other in a ring, one more who only writes to
    # herself and posts: one isolated person
    events = [
        dict(event_id=f"m{i}", ts=_week(i % 10), actor=f"a{i % 8}", verb="message",
             target_actor=f"a{(i + 1) % 8}")
        for i in range(40)
    ] + [
        dict(event_id="x", ts=_week(2), actor="a0", verb="message", target_actor="a0"),
        dict(event_id="y", ts=_week(3), actor="lone", verb="post", object_id="y"),
    ]  # fmt: skip
    data = report_data(analyze(make_log(events), options=Options()))
    raw = report_data(analyze(make_log(events), options=Options(min_group_size=1)))
    # then: one isolated person is not shown, in JSON or text
    assert raw["network"]["isolated"]["count"] == 1
    assert data["network"]["isolated"] == {"count": None, "share": None, "suppressed": True}
    assert "isolated people fewer than 5," in render_text(data)


def test_orbit_levels_get_secondary_suppression() -> None:
    # given: Orbit levels of 3, 7, 20 and 0 people (members 30 shown beside them)
    fading: dict[str, Any] = {
        "trends": {},
        "by_workspace": {},
        "levels": {"exploring": 3, "participating": 7, "contributing": 20, "leading": 0},
    }
    # when
    guard_fading(fading, 5)
    # then: the level of 3 is hidden, and the smallest shown of at least 5 with it, so that
    # members minus the rest gives only the two together; zero stays zero
    assert fading["levels"] == {
        "exploring": None,
        "participating": None,
        "contributing": 20,
        "leading": 0,
    }


def _falling_log(top: int) -> InteractionLog:
    """Twenty weeks in which the people posting fall by one a week from ``top``."""
    events = [
        dict(event_id=f"{w}-{p}", ts=_week(w, p % 5), actor=f"u{p}", verb="post",
             workspace="w1", object_id=f"o{w}-{p}")
        for w in range(20)
        for p in range(top - w)
    ]  # fmt: skip
    return make_log(events, [{"actor": f"u{i}"} for i in range(top)])


def test_sens_line_is_withheld_where_it_reads_as_fewer_people_than_the_threshold() -> None:
    # given: a fall from 20 people to 1, whose fitted line ends under 5, and one from 40 to
    # 21, whose line stays well above
    low, high = (report_data(analyze(_falling_log(t), options=Options())) for t in (20, 40))
    raw = report_data(analyze(_falling_log(20), options=Options(min_group_size=1)))
    # then: the first line is withheld in JSON and not drawn; the second is shown and drawn
    assert raw["fading"]["trends"]["active_contributors"]["sen_slope"] < 0
    line = low["fading"]["trends"]["active_contributors"]
    assert line["sen_slope"] is None and line["intercept"] is None
    assert high["fading"]["trends"]["active_contributors"]["sen_slope"] < 0
    dashed = 'stroke="#c2410c"'  # the trend's dashed line, drawn by Vega
    assert dashed not in render_html(low) and dashed in render_html(high)
