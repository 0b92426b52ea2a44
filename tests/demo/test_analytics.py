"""The analytics find what the demo planted: export the log, analyse the last six months."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import UNTIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(small_demo: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    from django.core.management import call_command

    from lumoflow.analytics import Options, Period, analyze, read_log
    from lumoflow.analytics.report import report_data

    # given the demo exported with `lumoflow export-log` (the fading window: its last 26 weeks)
    since = UNTIL - timedelta(weeks=26)
    call_command("export_log", str(tmp_path / "log"), "--from", since.isoformat())
    log = read_log(tmp_path / "log")
    # when the analytics measure it
    result = analyze(log, period=Period.from_dates(since, UNTIL), options=Options())
    return report_data(result)


def test_analytics_find_the_fading_workspace(small_demo: dict, report: dict) -> None:
    # then the planted fading workspace gets the fading verdict, with evidence in words
    fading = str(small_demo["planted"]["fading_workspace"]["id"])
    verdict = report["fading"]["by_workspace"][fading]
    assert verdict["verdict"] == "fading"
    assert any("fell" in item["sentence"] for item in verdict["evidence"])
    # and the steady workspace is not called fading
    steady = str(small_demo["planted"]["steady_workspace"]["id"])
    assert report["fading"]["by_workspace"][steady]["verdict"] != "fading"


def test_analytics_find_the_silo(small_demo: dict, report: dict) -> None:
    # then the silo department has the most inward-looking E-I index, far below the company's
    by_dept = report["network"]["ei_index"]["by_department"]
    silo = small_demo["planted"]["silo"]["department"]
    shown = {d: v["value"] for d, v in by_dept.items() if v["value"] is not None}
    assert min(shown, key=shown.__getitem__) == silo
    assert shown[silo] < -0.5 < report["network"]["ei_index"]["overall"]


def test_analytics_see_the_fading_workspace_drift_off_topic(small_demo: dict, report: dict) -> None:
    # then the terms that grew in the fading workspace while relevance fell are chatter
    import re

    from lumoflow.demo.vocab import CHATTER, FILL

    chatter = set(re.findall(r"[a-z]{3,}", " ".join(CHATTER + sum(FILL.values(), ())).lower()))
    drift = report["relevance"]["drift"][str(small_demo["planted"]["fading_workspace"]["id"])]
    assert len(chatter & set(drift)) >= 3, drift


def test_fading_workspace_gets_suggested_actions_with_their_evidence(
    small_demo: dict, tmp_path: Path
) -> None:
    from django.core.management import call_command

    from lumoflow.analytics import Period, analyze, read_log
    from lumoflow.analytics.advice import suggested_actions
    from lumoflow.analytics.report import report_data

    # given the fading workspace measured alone, as the platform stores it
    since = UNTIL - timedelta(weeks=26)
    call_command("export_log", str(tmp_path / "log"), "--from", since.isoformat())
    fading = str(small_demo["planted"]["fading_workspace"]["id"])
    period = Period.from_dates(since, UNTIL)
    data = report_data(analyze(read_log(tmp_path / "log"), period=period, workspace=fading))
    assert data["fading"]["verdict"] == "fading"
    # when the rules read its evidence
    acts = suggested_actions(data, target_hours=8, target_on_topic=0.7)
    # then two or three actions from different rules, each saying what triggered it
    assert 2 <= len(acts) <= 3
    assert len({a.rule for a in acts}) == len(acts)
    assert "slow_first_replies" in {a.rule for a in acts}
    assert all(a.evidence.endswith(".") for a in acts)
