"""The executive report (`lumoflow report`, `GET /api/v1/org/report`, the portfolio's "Download
report" form), from the caller's side: what the file says, who may have it, bad periods, the
atomic `--out`, and privacy (secret workspaces nowhere, small groups suppressed, nobody named
for an individual figure)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from lumoflow.cli import main
from lumoflow.conversation import actions as conv
from lumoflow.measure import actions as measure_actions
from lumoflow.measure.models import ORGANISATION, StoredMetrics
from lumoflow.measure.report import render
from lumoflow.measure.report.period import last_complete_quarter, parse_period
from lumoflow.measure.tasks import store_ended_periods_task
from lumoflow.people import actions as people
from lumoflow.workspaces import actions as ws
from tests.conftest import make_person

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def last_month() -> str:
    """The last complete month: the busy workspaces' six weeks reach into it."""
    first = dt.datetime.now(dt.UTC).date().replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


@pytest.fixture
def site(busy):
    """`busy` with an executive (Mia), a secret workspace with activity (Merger), and a public
    workspace of three people (Tiny: under the privacy threshold)."""
    people.grant_capability(busy.ada, "mia", "executive")
    now = dt.datetime.now(dt.UTC)
    for week in range(6):
        conv.create_post(
            busy.olivia,
            busy.merger.pk,
            kind="update",
            body=f"Merger secret plan {week}",
            at=now - dt.timedelta(weeks=week, hours=3),
        )
    busy.tiny = ws.create_workspace(busy.olivia, name="Tiny", purpose="A small team.")
    few = [make_person(f"t{i}", department="Legal") for i in range(2)]
    for p in few:
        ws.add_member(
            busy.olivia, busy.tiny.pk, username=p.username, at=now - dt.timedelta(weeks=7)
        )
    for week in range(6):
        for p in few:
            conv.create_post(
                p,
                busy.tiny.pk,
                kind="update",
                body="Tiny update",
                at=now - dt.timedelta(weeks=week, hours=5),
            )
    return busy


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_cli_writes_a_self_contained_html_report(site, tmp_path, capsys):
    # given
    out = tmp_path / "report.html"
    # when
    code, _, err = run(capsys, "--period", last_month(), "--format", "html", "--out", str(out))
    # then
    assert code == 0, err
    html = out.read_text()
    assert "<title>LumoFlow report on the organisation" in html
    for section in ("The verdict", "The portfolio", "Fading workspaces", "Value, and the"):
        assert section in html
    assert "Launch" in html and "Finance" in html
    assert "<svg" in html  # charts drawn inline
    assert not re.search(r'<(script|link|img)\b|src="http', html)  # loads nothing
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_after_the_scheduled_task_the_report_of_an_ended_period_computes_nothing(
    site, tmp_path, capsys, monkeypatch
):
    # given the worker's scheduled task has stored the last complete quarter and month
    today = dt.datetime.now(dt.UTC).date()
    quarter = parse_period(last_complete_quarter(today), today=today)
    month = parse_period(last_month(), today=today)
    store_ended_periods_task.call()
    for p in (quarter, month):
        of_period = StoredMetrics.objects.filter(start=p.start, end=p.end)
        assert of_period.filter(scope=site.launch.pk).exists()
        assert of_period.filter(scope=ORGANISATION).exists()
        assert not of_period.filter(scope=site.merger.pk).exists()  # secret: not listed
    stored = StoredMetrics.objects.count()
    # when it runs again (idempotent), then the reports of both periods are written
    store_ended_periods_task.call()
    assert StoredMetrics.objects.count() == stored

    def computed(*args: object) -> int:
        raise AssertionError("the report computed a period in the request")

    monkeypatch.setattr(measure_actions, "store_period", computed)
    for p in (quarter, month):
        out = tmp_path / f"{p.slug}.html"
        code, _, err = run(capsys, "--period", p.key, "--format", "html", "--out", str(out))
        assert code == 0, err
    assert "Launch" in (tmp_path / f"{month.slug}.html").read_text()  # six weeks reach into it
    # then nothing was computed nor written
    assert StoredMetrics.objects.count() == stored


def test_the_cli_writes_a_pdf_whose_text_says_the_verdict(site, tmp_path, capsys):
    out = tmp_path / "q.pdf"
    code, _, err = run(capsys, "--period", last_month(), "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_text(out)
    assert "The verdict" in text and "Launch" in text
    assert "Minutes saved per answered question" in text  # the assumptions are stated
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Title:" in info and "LumoFlow report on the organisation" in info


@pytest.mark.parametrize(
    ("period", "says"),
    [
        ("2026-Q5", "Unknown period '2026-Q5'"),
        ("last quarter", "Unknown period"),
        ("2026-13", "there is no month 13"),
        ("2026-09..2026-07", "is reversed"),
        ("2999", "is in the future"),
        ("2020..2026", "longer than 3 years"),
    ],
)
def test_a_bad_period_is_exit_2_with_one_line(site, tmp_path, capsys, period, says):
    out = tmp_path / "r.pdf"
    code, _, err = run(capsys, "--period", period, "--out", str(out))
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_period_with_no_data_says_so(site, tmp_path, capsys):
    out = tmp_path / "empty.html"
    year = str(dt.datetime.now(dt.UTC).year - 2)
    code, _, err = run(capsys, "--period", year, "--format", "html", "--out", str(out))
    assert code == 0, err
    html = out.read_text()
    assert "No data for this period" in html
    assert "The portfolio, least healthy first" not in html  # no empty table


def test_out_is_replaced_atomically_and_kept_on_failure(site, tmp_path, capsys, monkeypatch):
    # given an old report
    out = tmp_path / "r.html"
    out.write_text("old")

    # when rendering fails half-way
    def broken(report, fmt):
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "render", broken)
    with pytest.raises(RuntimeError):
        main(["report", "--period", last_month(), "--format", "html", "--out", str(out)])
    # then the old file is whole and nothing else is left
    assert out.read_text() == "old" and list(tmp_path.iterdir()) == [out]
    monkeypatch.undo()
    # and a successful run replaces it
    assert run(capsys, "--period", last_month(), "--format", "html", "--out", str(out))[0] == 0
    assert out.read_text().startswith("<!doctype html>")


def test_secret_workspaces_appear_nowhere_and_small_groups_are_suppressed(site, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert run(capsys, "--period", last_month(), "--format", "html", "--out", str(out))[0] == 0
    html = out.read_text()
    assert "Merger" not in html and "secret plan" not in html
    # Tiny (three people) is listed, with no figure of its own
    row = re.search(r"<tr>(?:(?!</tr>).)*>Tiny</a>(?:(?!</tr>).)*</tr>", html, re.S)
    assert row is not None
    assert "Too few people" in row.group(0) and "EUR" not in row.group(0)
    # no department of fewer than five people is drawn with its count
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\bLegal\s+[1-4]\b", text)
    # nobody is named for an individual-level figure: members who own nothing never appear
    assert not re.search(r"\b[Pp][0-5]\b|\bT[01]\b", text)
    assert "broker" not in html.lower()


def test_a_report_on_one_workspace(site, tmp_path, capsys):
    out = tmp_path / "one.html"
    code, _, err = run(
        capsys, "--period", last_month(), "--format", "html", "--out", str(out),
        "--workspace", str(site.launch.pk),
    )  # fmt: skip
    assert code == 0, err
    html = out.read_text()
    assert "LumoFlow report on Launch" in html and ">Finance</a>" not in html
    # a secret one is not found, as if it did not exist
    code, _, err = run(
        capsys, "--period", last_month(), "--out", str(out), "--workspace", str(site.merger.pk)
    )
    assert code == 2 and "No workspace" in err


def test_as_a_person_who_is_not_an_executive_is_refused(site, tmp_path, capsys):
    code, _, err = run(
        capsys, "--period", last_month(), "--out", str(tmp_path / "r.pdf"), "--as", "fred"
    )
    assert code == 2 and "executive" in err


def test_the_api_answers_the_file_to_executives_only(site, api):
    r = api(site.mia).get(f"/org/report?period={last_month()}&format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert f'filename="lumoflow-report-{last_month()}.pdf"' in r["Content-Disposition"]
    r = api(site.mia).get(f"/org/report?period={last_month()}&format=html")
    assert r["Content-Type"].startswith("text/html") and b"The verdict" in r.content
    for who in (site.olivia, site.fred, site.otto):
        r = api(who).get("/org/report")
        assert r.status_code == 403 and r["Content-Type"] == PROBLEM
    assert api(None).get("/org/report").status_code == 401


def test_the_api_refuses_a_bad_period_with_a_problem(site, api):
    r = api(site.mia).get("/org/report?period=2026-09..2026-07")
    assert r.status_code == 422 and r["Content-Type"] == PROBLEM
    assert "reversed" in r.json()["detail"]
    assert api(site.mia).get("/org/report?format=docx").status_code == 422


def test_the_portfolio_offers_the_report_with_the_last_complete_quarter(site, browser_client):
    today = dt.datetime.now(dt.UTC).date()
    page = browser_client(site.mia).get("/org").content.decode()
    assert 'action="/org/report"' in page and "Download report" in page
    assert f'<option value="{last_complete_quarter(today)}" selected>' in page
    # the button's target answers the file
    r = browser_client(site.mia).get(f"/org/report?period={last_month()}&format=html")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    # a bad period goes back to the portfolio with the reason
    r = browser_client(site.mia).get("/org/report?period=2999", follow=True)
    assert "is in the future" in r.content.decode()
    assert browser_client(site.fred).get("/org/report").status_code == 403


def test_periods_read_as_people_write_them():
    today = dt.date(2026, 12, 7)
    p = parse_period("2026-09", today=today)
    assert (p.start, p.end, p.label) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
        "September 2026",
    )
    p = parse_period("2026-Q4", today=today)
    assert p.end == today and p.to_date and p.label == "Q4 2026 to date"
    p = parse_period("2025-11..2026-Q1", today=today)
    assert (p.start, p.end) == (dt.date(2025, 11, 1), dt.date(2026, 3, 31))
    assert p.slug == "2025-11-to-2026-Q1"
