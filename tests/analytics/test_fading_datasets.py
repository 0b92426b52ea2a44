"""Fading on the SNAP email-Eu-core-temporal department files: every one has the same hole.

The four files (``../shared/datasets/email-eu-core-temporal-depts``) hold about 75 busy weeks, no
e-mail for about 270 days (38 weeks), then a week and a half of e-mail again. Their times are
seconds from an anonymised origin, so dates are relative.
"""

from __future__ import annotations

import json
import re

import pytest

from lumoflow.analytics.cli import main

from .conftest import dataset

#: Whole silent ISO weeks: Dept1 and Dept2 still had e-mail in the week the gap began.
HOLE_WEEKS = {1: 37, 2: 37, 3: 38, 4: 38}


@pytest.mark.parametrize("dept", sorted(HOLE_WEEKS))
def test_temporal_departments_name_the_hole(dept: int, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    path = dataset("email-eu-core-temporal-depts", f"email-Eu-core-temporal-Dept{dept}.txt")
    # when a user runs the analysis
    code = main([str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    fading = json.loads(out)["fading"]
    sentences = [e["sentence"] for e in fading["evidence"]]
    # then the verdict is inconclusive: a week of e-mail since the gap is too little to tell
    assert fading["verdict"] == "inconclusive"
    assert sentences[0] == (
        f"Inconclusive: activity resumed 1 week before the end of the period, after"
        f" {HOLE_WEEKS[dept]} silent weeks; at least 12 weeks since then are needed to tell."
    )
    # and the hole is named, in relative weeks, not read as a fall from a week inside it
    hole = next(e for e in fading["evidence"] if e["sentence"].startswith("No activity for"))
    first = 115 - HOLE_WEEKS[dept]
    assert hole["sentence"].startswith(
        f"No activity for {HOLE_WEEKS[dept]} weeks from week {first} to week 114, then activity"
        " resumed; these weeks, and the partly silent week either side, are left out"
    )
    assert hole["significant"] is True and hole["statistic"] == HOLE_WEEKS[dept]
    assert sentences[-1].startswith("Dates are relative")
    for s in sentences:
        since = re.search(r"since week (\d+)", s)
        assert not since or not first <= int(since.group(1)) <= 114, s
