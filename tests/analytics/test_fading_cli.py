"""Each fading case run as a user runs it: an events CSV (or log) and `lumoflow analyze`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from lumoflow.analytics.cli import main
from lumoflow.analytics.log import make_log, write_log

from .test_fading import MONDAY, weekly_posts


def _rows(counts: list[int]) -> list[dict[str, object]]:
    """One post per active person per week, on the Tuesday of the week."""
    return weekly_posts(counts)


def _csv(tmp_path: Path, counts: list[int]) -> Path:
    path = tmp_path / "events.csv"
    lines = ["event_id,ts,actor,verb,workspace,object_id"]
    lines += [",".join(str(v) for v in r.values()) for r in _rows(counts)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _sunday(weeks: int) -> str:
    """The last day of week ``weeks`` (1-based) from MONDAY."""
    return (MONDAY + dt.timedelta(weeks=weeks, days=-1)).isoformat()


def _fading(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)["fading"]
    return result


def _sentences(result: dict[str, Any]) -> list[str]:
    return [e["sentence"] for e in result["evidence"]]


def test_activity_that_stops_is_fading_until_the_end_given_with_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given 18 active weeks, then nothing until --to, 8 weeks later
    events = _csv(tmp_path, [20] * 18)
    # when
    f = _fading(capsys, str(events), "--from", MONDAY.isoformat(), "--to", _sunday(26))
    # then the silent weeks are weeks without activity, and the verdict says since when
    assert f["verdict"] == "fading"
    stop = f["evidence"][0]
    assert stop["sentence"].startswith("No activity since 6 May 2024 (8 weeks;")
    assert stop["test"] == "silence run test" and stop["significant"] is True
    assert stop["statistic"] == 8 and stop["p"] < 0.05


def test_activity_that_stops_is_fading_until_the_logs_export_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the same activity in a canonical log exported as week 26 ended
    log = make_log(_rows([20] * 18), meta={"format": 1, "source": "test"})
    folder = write_log(log, tmp_path / "log")
    meta = json.loads((folder / "log.json").read_text())
    meta["created"] = f"{MONDAY + dt.timedelta(weeks=26)}T00:00:00Z"
    (folder / "log.json").write_text(json.dumps(meta))
    # when no --to is given
    f = _fading(capsys, str(folder), "--from", MONDAY.isoformat())
    # then the period ends at the export time
    assert f["verdict"] == "fading"
    assert f["evidence"][0]["sentence"].startswith("No activity since 6 May 2024 (8 weeks;")


def test_without_to_or_export_time_the_period_ends_at_the_last_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an events CSV: no export time, no --to
    f = _fading(capsys, str(_csv(tmp_path, [20] * 18)))
    # then no silence is assumed after the last event
    assert f["verdict"] == "stable"
    assert not any(s.startswith("No activity") for s in _sentences(f))


def test_a_step_down_is_fading_and_names_the_test_that_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given weekly actives that halve from one week to the next and stay there
    counts = [30, 31, 29, 30, 32, 30, 29, 31, 30, 30] + [15, 16, 14, 15, 15, 16, 14, 15, 15, 15]
    f = _fading(capsys, str(_csv(tmp_path, counts)), "--from", "2024-01-01", "--to", _sunday(20))
    # then
    assert f["verdict"] == "fading"
    step = f["evidence"][0]
    assert step["test"] == "PELT changepoint + Mann–Whitney (Pettitt), Bonferroni ×2"
    assert step["significant"] is True and step["p"] < 0.05
    assert step["sentence"].startswith(
        "Weekly active contributors fell from 30 to 15 in a step in the week of 11 March 2024"
        " (−50%; PELT changepoint, then Mann–Whitney test of the weeks before and after, p = "
    )
    trend = f["trends"]["active_contributors"]
    assert trend["changepoint"] == "2024-03-11"
    assert trend["before"] == pytest.approx(30.2) and trend["after"] == pytest.approx(15.0)


@pytest.mark.parametrize("counts", [[5, 8, 12, 18, 25, 33, 42, 52, 64], [40, 30, 20, 10, 5, 3]])
def test_too_short_is_too_little_data_whatever_the_slope(
    counts: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = len(counts)
    f = _fading(capsys, str(_csv(tmp_path, counts)), "--from", "2024-01-01", "--to", _sunday(n))
    assert f["verdict"] == "too_little_data"
    assert _sentences(f) == [
        f"Too little data: {n} weeks from the first activity to the end of the period,"
        " at least 12 needed."
    ]
    assert f["evidence"][0]["statistic"] == n


def test_a_hole_in_the_data_is_named_and_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given 20 active weeks, 38 silent ones, then 16 active weeks at the same level
    counts = [20] * 20 + [0] * 38 + [20] * 16
    f = _fading(capsys, str(_csv(tmp_path, counts)), "--from", "2024-01-01", "--to", _sunday(74))
    # then the gap is named, not read as a fall since a date inside it
    hole = next(e for e in f["evidence"] if e["sentence"].startswith("No activity for"))
    assert hole["sentence"].startswith(
        "No activity for 38 weeks from 20 May 2024 to 9 February 2025, then activity resumed;"
    )
    assert f["verdict"] == "stable"
    assert not any(" fell " in s for s in _sentences(f))


def test_a_hole_with_few_weeks_after_it_is_inconclusive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = [20] * 20 + [0] * 38 + [9, 12]
    f = _fading(capsys, str(_csv(tmp_path, counts)), "--from", "2024-01-01", "--to", _sunday(60))
    assert f["verdict"] == "inconclusive"
    assert _sentences(f)[0] == (
        "Inconclusive: activity resumed 2 weeks before the end of the period, after 38 silent"
        " weeks; at least 12 weeks since then are needed to tell."
    )
    assert any(s.startswith("No activity for 38 weeks from 20 May 2024") for s in _sentences(f))


# Two shapes alike: a fall of about 40% whose best test gives p just under and just over 0.05.
JUST_UNDER = [7, 13, 14, 20, 10, 14, 10, 7, 8, 8, 5, 10, 10, 7, 4, 7]
JUST_OVER = [13, 17, 19, 8, 14, 16, 12, 8, 6, 5, 12, 10, 6, 15, 5, 8]


def test_a_p_value_a_hair_either_side_of_the_level_never_flips_fading_and_stable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    under = _fading(
        capsys, str(_csv(tmp_path / "a", JUST_UNDER)), "--from", "2024-01-01", "--to", _sunday(16)
    )
    over = _fading(
        capsys, str(_csv(tmp_path / "b", JUST_OVER)), "--from", "2024-01-01", "--to", _sunday(16)
    )
    ps = [min(e["p"] for e in r["evidence"] if e["test"].endswith("×2")) for r in (under, over)]
    assert 0.04 <= ps[0] < 0.05 <= ps[1] <= 0.06
    assert under["verdict"] == "fading"
    assert over["verdict"] == "inconclusive"
    assert _sentences(over)[0].startswith(
        "Inconclusive: weekly active contributors moved by 25% or more, but no test found the"
        " change significant"
    )


def test_wording_rounds_as_it_compares_and_marks_what_is_not_significant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a level that moves a little around 37
    counts = [37, 38, 37, 36, 37, 38, 37, 37, 36, 38, 37, 37, 38, 37, 36, 37, 37, 38]
    f = _fading(capsys, str(_csv(tmp_path, counts)), "--to", _sunday(18))
    sentences = _sentences(f)
    # then no "rose from 37 to 37 (+0%)": equal rounded levels stay
    assert f["verdict"] == "stable"
    assert not any(re.search(r"from (\S+) to \1\b", s) for s in sentences), sentences
    assert not any(re.search(r"[+−-]0%", s) for s in sentences), sentences
    # and evidence from a test that was not significant says so
    for e in f["evidence"]:
        if e["significant"] is False:
            assert "not significant" in e["sentence"], e
    assert any("stayed at 37" in s for s in sentences)


def test_times_given_as_offsets_give_relative_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an edge list whose times are seconds from an unknown origin: 18 busy weeks, then a
    # week of 24 people halving
    week = 7 * 86400
    lines = [
        f"{p} {p + 1} {w * week + 86400 + p}"
        for w in range(20)
        for p in range(24 if w < 10 else 12)
    ]
    path = tmp_path / "edges.txt"
    path.write_text("\n".join(lines) + "\n")
    # when
    f = _fading(capsys, str(path), "--epoch", "2001-01-01")
    # then dates are weeks counted from the origin, and the report says they are relative
    sentences = _sentences(f)
    assert f["verdict"] == "fading"
    assert any(" in a step in week 11 " in s for s in sentences), sentences
    assert sentences[-1].startswith("Dates are relative: the input's times are offsets")
    months = "January|February|March|April|May|June|July|August|September|October|November"
    assert not any(re.search(months + "|December", s) for s in sentences)


def test_text_report_shows_the_verdict_and_its_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([str(_csv(tmp_path, [20] * 18)), "--from", "2024-01-01", "--to", _sunday(26)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("Fading verdict: FADING\n  - No activity since 6 May 2024 (8 weeks;")


def test_a_workspace_that_stops_while_the_log_goes_on_is_fading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given workspace w stops after 18 weeks while workspace other goes on to week 26
    rows = _rows([20] * 18) + [
        {**r, "event_id": f"x{r['event_id']}", "workspace": "other", "object_id": f"x{i}"}
        for i, r in enumerate(_rows([20] * 26))
    ]
    path = tmp_path / "events.csv"
    lines = ["event_id,ts,actor,verb,workspace,object_id"]
    lines += [",".join(str(v) for v in r.values()) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    # when w alone is measured, without --to
    f = _fading(capsys, str(path), "--workspace", "w", "--from", MONDAY.isoformat())
    # then its period ends with the log's last event, not with its own
    assert f["verdict"] == "fading"
    assert f["evidence"][0]["sentence"].startswith("No activity since 6 May 2024 (7 weeks;")
