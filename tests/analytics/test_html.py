"""The HTML report an executive reads: structure, numbers for people, terms, charts, privacy."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lumoflow.analytics.cli import main
from lumoflow.analytics.frame import Options
from lumoflow.analytics.glossary import TERMS
from lumoflow.analytics.html import render_html
from lumoflow.analytics.log import make_log, write_log
from lumoflow.analytics.report import analyze, report_data

from .conftest import dataset

QUESTIONS = ["verdict", "participation", "responsiveness", "relevance", "network", "value"]
MONDAY = dt.date(2024, 3, 4)
PEOPLE = [
    {"actor": f"u{i}", "department": "<b>R&D</b>" if i < 5 else "ops", "name": f"U {i}"}
    for i in range(8)
]
WORKSPACES = [
    {"workspace": "w1", "name": "Billing move", "objectives": "Migrate billing to kubernetes"}
]


def _ts(week: int, day: int, hour: int = 9) -> str:
    return f"{MONDAY + dt.timedelta(weeks=week, days=day)}T{hour:02d}:00:00Z"


def _busy_log() -> list[dict[str, Any]]:
    """Ten weeks: six people a week, except week 4 (nobody) and week 5 (two people)."""
    events: list[dict[str, Any]] = []
    for week in range(10):
        actors = [] if week == 4 else [0, 5] if week == 5 else [0, 1, 2, 3, 5, 6]
        for k, a in enumerate(actors):
            post = f"p{week}-{a}"
            events.append(
                {
                    "event_id": post,
                    "ts": _ts(week, k % 5),
                    "actor": f"u{a}",
                    "verb": "post",
                    "workspace": "w1",
                    "object_id": post,
                    "kind": "question" if k == 0 else "update",
                    "text": "billing migration to kubernetes" if k % 2 else "lunch plans",
                }
            )
            other = actors[(k + 1) % len(actors)]
            events.append(
                {
                    "event_id": f"r{week}-{a}",
                    "ts": _ts(week, k % 5, 15),
                    "actor": f"u{other}",
                    "verb": "reply",
                    "workspace": "w1",
                    "object_id": f"r{week}-{a}",
                    "parent_id": post,
                    "thread_id": post,
                    "target_actor": f"u{a}",
                    "text": "done",
                }
            )
    return events


def _page(events: list[dict[str, Any]], **tables: Any) -> tuple[str, dict[str, Any]]:
    log = make_log(events, tables.get("people"), tables.get("workspaces"))
    data = report_data(analyze(log, options=Options(min_group_size=5, pseudonym_key="k")))
    return render_html(data, source="/data/busy-log"), data


@pytest.fixture(scope="module")
def busy() -> tuple[str, dict[str, Any]]:
    return _page(_busy_log(), people=PEOPLE, workspaces=WORKSPACES)


@pytest.fixture(scope="module")
def mail() -> str:
    """Messages only: no posts, no text, no workspaces, no outcomes."""
    events = [
        {
            "event_id": f"m{i}",
            "ts": _ts(i % 14, i % 5),
            "actor": f"u{i % 7}",
            "verb": "message",
            "target_actor": f"u{(i + 1) % 7}",
        }
        for i in range(120)
    ]
    return _page(events)[0]


def _visible(page: str) -> str:
    """The page's text as a reader sees it (charts and tags removed)."""
    text = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def _sections(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<section id="(\w+)"><h2>([^<]*)</h2>(?:<p class="lead">(.*?)</p>)?', page, flags=re.S
    )


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', page, flags=re.S)
    assert match, anchor
    return match.group(1)


def test_title_names_the_input_and_the_period(busy: tuple[str, dict[str, Any]]) -> None:
    page, _ = busy
    assert "<title>Measurement report: busy-log</title>" in page
    assert "4 March 2024 to " in _visible(page) and "(10 weeks)" in page


def test_verdict_first_then_one_section_per_question_each_opening_with_a_sentence(
    busy: tuple[str, dict[str, Any]],
) -> None:
    page, _ = busy
    sections = _sections(page)
    assert [s[0] for s in sections] == [*QUESTIONS, "glossary"]
    assert [s[1] for s in sections][1:6] == [
        "Who takes part?",
        "How fast are questions answered?",
        "Is the talk on topic?",
        "How does the network connect?",
        "What is it worth?",
    ]
    verdict = _section(page, "verdict")
    assert verdict.startswith('<h2>Is it fading?</h2><div class="verdict v-')
    for anchor, _, lead in sections[1:6]:
        assert lead.strip().endswith("."), anchor


def test_numbers_are_written_for_people(busy: tuple[str, dict[str, Any]], mail: str) -> None:
    for page in (busy[0], mail):
        text = _visible(page)
        assert "None" not in text and "nan" not in text.lower().split()
        assert not re.findall(r"\d\.\d{4,}", text), re.findall(r".{20}\d\.\d{4,}.{10}", text)
    assert "Half of the posts that got a reply got the" in _section(busy[0], "responsiveness")
    assert re.search(r"\d+ h\b|\d+ min\b", _section(busy[0], "responsiveness"))
    assert re.search(r"\d+%", _section(busy[0], "participation"))


def test_every_term_is_explained_on_hover_and_in_the_glossary(
    busy: tuple[str, dict[str, Any]],
) -> None:
    page, _ = busy
    explanations = {text for _, text in TERMS.values()}
    hovered = set(re.findall(r'<abbr title="([^"]+)">', page))
    assert len(hovered) >= 10 and hovered <= {t.replace("'", "&#x27;") for t in explanations}
    glossary = _section(page, "glossary")
    listed = set(re.findall(r"<dd>([^<]+)</dd>", glossary))
    assert hovered == listed
    for word in ("Gini", "E-I index", "Reciprocity"):
        assert f">{word}</dt>" in glossary


def test_sections_without_data_say_so_in_one_line(mail: str) -> None:
    for anchor, words in (
        ("responsiveness", "messages but no posts or replies"),
        ("relevance", "No posts with text"),
        ("value", "no value to estimate"),
    ):
        body = _section(mail, anchor)
        assert words in body
        assert body.count("<p") == 1 and "<table" not in body and "<svg" not in body


def test_charts_are_svg_rendered_by_vl_convert_with_a_text_alternative(
    busy: tuple[str, dict[str, Any]],
) -> None:
    page, _ = busy
    assert "<polyline" not in page  # nothing drawn by hand
    figures = re.findall(r"<figure>(.*?)</figure>", page, flags=re.S)
    assert len(figures) >= 3
    for fig in figures:
        assert 'class="marks"' in fig  # Vega's own SVG
        caption = re.search(r'<figcaption id="([\w-]+)">([^<]+)</figcaption>', fig)
        assert caption and f'aria-labelledby="{caption.group(1)}"' in fig
        assert "<details><summary>The data as a table</summary>" in fig


def test_zero_weeks_read_as_zero_and_hidden_weeks_as_a_band(
    busy: tuple[str, dict[str, Any]],
) -> None:
    page, data = busy
    weeks = data["participation"]["weekly"]
    assert (weeks[4]["active"], weeks[5]["suppressed"]) == (0, True)
    verdict = _section(page, "verdict")
    assert "fewer than 5 people (hidden)" in verdict  # the band's legend in the SVG
    assert "<tr><td>1 April 2024</td><td>0</td></tr>" in verdict
    assert "<tr><td>8 April 2024</td><td>fewer than 5 people</td></tr>" in verdict
    assert re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*><path', verdict)


def test_page_is_self_contained_escaped_and_has_unique_ids(
    busy: tuple[str, dict[str, Any]],
) -> None:
    page, _ = busy
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script" not in page and "<link" not in page and "<img" not in page
    outside = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]+"', "", page)
    assert "http://" not in outside and "https://" not in outside
    assert "<b>R&D</b>" not in page  # a department named in HTML is shown as text
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert "Billing move" in page  # workspaces by name


def test_cli_writes_the_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = write_log(make_log(_busy_log(), PEOPLE, WORKSPACES), tmp_path / "team-log")
    code = main([str(log), "--format", "html"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "<title>Measurement report: team-log</title>" in out
    assert [s[0] for s in _sections(out)][:6] == QUESTIONS


@pytest.mark.datasets
def test_email_eu_core_report_reads_without_timestamps(capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset("email-eu-core")
    code = main(
        [
            str(folder / "email-Eu-core.txt"),
            "--people",
            str(folder / "email-Eu-core-department-labels.txt"),
            "--format",
            "html",
        ]
    )
    page, err = capsys.readouterr()
    assert code == 0, err
    assert "no dates in the input" in page and "the input has no timestamps" in page
    assert "1,005 people are joined by" in _section(page, "network")
    assert "E-I index by department" in page and "fewer than 5 people" in page


@pytest.mark.datasets
def test_temporal_department_report_draws_the_silent_weeks_at_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = dataset("email-eu-core-temporal-depts", "email-Eu-core-temporal-Dept1.txt")
    code = main([str(path), "--format", "html"])
    page, err = capsys.readouterr()
    assert code == 0, err
    verdict = _section(page, "verdict")
    zero_weeks = re.findall(r"<tr><td>[^<]+</td><td>0</td></tr>", verdict)
    assert len(zero_weeks) >= 30  # the 38-week hole reads as zero weeks, not as gaps


def test_a_fading_log_draws_its_trend_line_and_changepoint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # given: twenty weeks in which the people taking part fall from 40 to 21
    events = [
        {
            "event_id": f"{w}-{p}",
            "ts": _ts(w, p % 5),
            "actor": f"u{p}",
            "verb": "post",
            "workspace": "w1",
        }
        for w in range(20)
        for p in range(40 - w)
    ]
    log = write_log(make_log(events, [{"actor": f"u{i}"} for i in range(40)]), tmp_path / "log")
    # when
    code = main([str(log), "--format", "html"])
    page, err = capsys.readouterr()
    # then
    assert code == 0, err
    verdict = _section(page, "verdict")
    assert '<p class="label"><abbr' in verdict and ">Fading</abbr>" in verdict
    assert 'stroke="#c2410c"' in verdict  # the trend's dashed line, drawn by Vega
    assert "the dashed line is the" in verdict


def test_offsets_read_as_numbered_weeks_not_dates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # given: an edge list whose times are seconds from an origin, as SNAP publishes them
    lines = [
        f"{a} {b} {w * 604800 + a * 3600}" for w in range(16) for a in range(6) for b in (7, 8)
    ]
    edges = tmp_path / "edges.txt"
    edges.write_text("\n".join(lines) + "\n")
    # when
    code = main([str(edges), "--format", "html"])
    page, err = capsys.readouterr()
    # then
    assert code == 0, err
    assert "week 1 to week 16 of the input" in page and "no calendar date" in page
    rows = re.findall(r"<tr><td>(week \d+)</td>", _section(page, "verdict"))
    assert rows[:2] == ["week 1", "week 2"]
    assert not re.search(r"\b(January|February|March) 2000\b", _visible(page))


def test_a_selection_under_the_threshold_shows_only_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # given: workspace w9 involves two people, under the threshold of 5
    small = tmp_path / "small.csv"
    small.write_text(
        "event_id,ts,actor,verb,workspace\n"
        + "".join(f"{i},2024-03-0{4 + i % 3}T09:00:00Z,p{i % 2},post,w9\n" for i in range(6))
        + "".join(f"x{i},2024-03-05T09:00:00Z,q{i},post,w8\n" for i in range(6))
    )
    # when
    code = main([str(small), "--workspace", "w9", "--format", "html"])
    page, err = capsys.readouterr()
    # then: the title and one sentence, no section, no figure, no chart
    assert code == 0, err
    assert re.findall(r'<section id="(\w+)"', page) == ["withheld"]
    assert "fewer than 5 people" in _section(page, "withheld")
    assert "<svg" not in page and "<table" not in page and 'class="figures"' not in page


def test_the_changepoint_is_marked_only_when_the_step_test_found_it() -> None:
    # given: twenty weeks in which the people taking part fall from 20 to 1
    events = [
        {"event_id": f"{w}-{p}", "ts": _ts(w, p % 5), "actor": f"u{p}", "verb": "post",
         "workspace": "w1"}
        for w in range(20)
        for p in range(20 - w)
    ]  # fmt: skip
    log = make_log(events, [{"actor": f"u{i}"} for i in range(20)])
    data = report_data(analyze(log, options=Options()))
    step = [e for e in data["fading"]["evidence"] if e["test"].startswith("PELT")]
    assert data["fading"]["trends"]["active_contributors"]["changepoint"] and step
    # when: the step test is significant, and when it is not
    step[0]["significant"] = True
    marked = _section(render_html(data), "verdict")
    step[0]["significant"] = False
    unmarked = _section(render_html(data), "verdict")
    # then: the chart marks the changepoint only in the first case
    assert "the dotted line marks the" in marked and "change: " in marked
    assert "the dotted line marks the" not in unmarked and "change: " not in unmarked
