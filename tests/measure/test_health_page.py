"""The health page and the workspace page's "Engagement targets" card, read as people do: over
HTTP, signed in, from the stored metrics."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from lumoflow.measure.models import RefreshState, StoredMetrics

pytestmark = pytest.mark.django_db


def _get(browser_client: Any, user: Any, path: str, status: int = 200) -> str:
    r = browser_client(user).get(path)
    assert r.status_code == status, r.content[:300]
    return r.content.decode()


def _section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _chart_images(html: str) -> list[str]:
    """The addresses of the charts' static images (inside <noscript>)."""
    return [
        unescape(u) for u in re.findall(r'<noscript><img class="chart-static" src="([^"]+)"', html)
    ]


def _tables(html: str) -> list[list[list[str]]]:
    """Every chart's data table (behind its disclosure), as rows of cell texts."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        out.append(
            [
                [
                    unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
                ]
                for r in rows
            ]
        )
    return out


def test_an_owner_sees_the_whole_health_page(busy: Any, browser_client: Any) -> None:
    # given a busy workspace with nothing stored
    assert not StoredMetrics.objects.exists()
    # when its owner opens the health page
    html = _get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}/health")
    # then it was computed once and shows the verdict with its evidence in words
    assert StoredMetrics.objects.filter(scope=busy.launch.pk).count() == 1
    verdict = _section(html, "verdict-h")
    assert "Is it fading?" in verdict and "verdict-badge" in verdict
    # the three targets against their actuals
    targets = _section(html, "targets-h")
    for label in ("Weekly active members", "Median first reply", "Posts on-topic"):
        assert label in targets
    assert re.search(r"target ≥ 40%", unescape(targets))
    # the charts over time with their text alternatives
    charts = _section(html, "trends-h")
    for title in ("People contributing each week", "Posts each week", "Replies each week"):
        assert title in charts
    assert "the data as a table" in charts.lower()
    # drawn by the browser; without JavaScript each is an image at an address of its own
    images = _chart_images(html)
    assert len(images) >= 5 and "<svg" not in html
    for url in images:
        r = browser_client(busy.olivia).get(url)
        assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
        assert r.content.lstrip().startswith((b"<svg", b"<?xml"))
    # and the parts for owners: funnel, reach, the question queue, threads, key results, refresh
    for heading in ("funnel-h", "reach-h", "queue-h", "threads-h", "krs-h"):
        assert _section(html, heading)
    assert "Signed pilots" in _section(html, "krs-h")
    assert "Refresh now" in html and "computed" in html


def test_a_member_sees_the_verdict_targets_and_charts_only(busy: Any, browser_client: Any) -> None:
    # when a member opens the health page
    html = _get(browser_client, busy.mia, f"/workspaces/{busy.launch.pk}/health")
    # then the verdict, targets and charts are there
    assert _section(html, "verdict-h") and _section(html, "targets-h")
    assert _chart_images(_section(html, "trends-h"))
    # and the owners' charts are not theirs to fetch either
    owner = _chart_images(_get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}/health"))
    funnel = next(u for u in owner if "/funnel.svg" in u)
    assert browser_client(busy.mia).get(funnel).status_code == 404
    assert (
        browser_client(busy.otto)
        .get(funnel.replace(str(busy.launch.pk), str(busy.merger.pk), 1))
        .status_code
        == 404
    )
    # and nothing about individuals nor the owners' parts
    for heading in ("funnel-h", "reach-h", "queue-h", "threads-h"):
        assert f'aria-labelledby="{heading}"' not in html
    assert "Refresh now" not in html
    assert "/people/p1" not in html and "Ask:" not in html


def test_who_may_not_read_it_gets_403_or_404(busy: Any, browser_client: Any) -> None:
    # a private workspace one does not belong to is listed: 403
    _get(browser_client, busy.otto, f"/workspaces/{busy.finance.pk}/health", 403)
    # a secret one is invisible: 404, as is a workspace that does not exist
    _get(browser_client, busy.mia, f"/workspaces/{busy.merger.pk}/health", 404)
    _get(browser_client, busy.mia, "/workspaces/987654/health", 404)
    # and nothing was computed for any of them
    assert not StoredMetrics.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(busy: Any) -> None:
    from django.test import Client

    r = Client().get(f"/workspaces/{busy.launch.pk}/health")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_refresh_now_is_for_owners_and_facilitators(busy: Any, browser_client: Any) -> None:
    # a member may not ask for a refresh: 403, nothing queued
    r = browser_client(busy.mia).post(f"/workspaces/{busy.launch.pk}/health/refresh")
    assert r.status_code == 403
    assert not RefreshState.objects.filter(scope=busy.launch.pk, due_at__isnull=False).exists()
    # a GET changes nothing
    r = browser_client(busy.olivia).get(f"/workspaces/{busy.launch.pk}/health/refresh")
    assert r.status_code == 405
    # the facilitator queues one and is sent back to the page
    r = browser_client(busy.fred).post(f"/workspaces/{busy.launch.pk}/health/refresh")
    assert r.status_code == 302 and r["Location"].endswith(f"/workspaces/{busy.launch.pk}/health")
    assert RefreshState.objects.filter(scope=busy.launch.pk, due_at__isnull=False).exists()
    # and someone who may not see the workspace gets 404
    r = browser_client(busy.mia).post(f"/workspaces/{busy.merger.pk}/health/refresh")
    assert r.status_code == 404


def _hidden_everywhere(tables: list[list[list[str]]], threshold: int) -> int:
    """No cell of a table of people counts reads 1 to threshold − 1; returns the tables read."""
    read = 0
    for rows in tables:
        if not rows or "people" not in " ".join(rows[0]).lower():
            continue
        read += 1
        for row in rows[1:]:
            for cell in row[1:]:
                plain = cell.replace(",", "")
                if re.fullmatch(r"\d+", plain):
                    assert int(plain) == 0 or int(plain) >= threshold, (rows[0], row)
    return read


def test_the_funnel_hides_steps_under_the_threshold(
    busy: Any, browser_client: Any, settings: Any
) -> None:
    # given Launch's 8 helpers who post (and others who only read or join) and a threshold of 9
    settings.LUMOFLOW_MIN_GROUP_SIZE = 9
    # when the owner reads the funnel
    html = _get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}/health")
    funnel = _section(html, "funnel-h")
    # then each step under 9 people reads "fewer than 9 people", never its count
    rows = dict(
        (a, b) for a, b in re.findall(r"<tr><th>(\w+)</th><td>(.*?)</td></tr>", funnel, re.S)
    )
    assert set(rows) == {"Read", "Reacted", "Replied", "Posted"}
    posted = unescape(re.sub(r"<[^>]+>", "", rows["Posted"]))
    assert posted == "fewer than 9 people"
    for text in rows.values():
        plain = unescape(re.sub(r"<[^>]+>", "", text))
        assert plain == "fewer than 9 people" or int(plain.replace(",", "")) >= 9


def test_department_reach_hides_small_departments(
    busy: Any, browser_client: Any, settings: Any
) -> None:
    # given Launch's members: 5 in Sales (4 helpers and Mia), 4 in IT, 2 in Product
    settings.LUMOFLOW_MIN_GROUP_SIZE = 5
    # when the owner reads the department reach
    reach = _section(
        _get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}/health"), "reach-h"
    )
    # then IT and Product are hidden, said in words, and not named as never contributing
    text = unescape(re.sub(r"<[^>]+>", " ", reach))
    assert "hidden: fewer than 5 people" in text
    table = [r for t in _tables(reach) for r in t]
    shown = {row[0]: row[1] for row in table[1:]}
    assert shown.get("IT") in (None, "fewer than 5 people")
    assert "Never contributed: IT" not in text and "Product" not in text.split("hidden")[0]


def test_weekly_charts_hide_weeks_under_the_threshold(
    busy: Any, browser_client: Any, settings: Any
) -> None:
    # given a threshold of 9: a week with 8 active people is hidden
    settings.LUMOFLOW_MIN_GROUP_SIZE = 9
    html = _get(browser_client, busy.mia, f"/workspaces/{busy.launch.pk}/health")
    tables = _tables(_section(html, "trends-h"))
    # then every people chart's table says so rather than showing a count of 1 to 8
    assert _hidden_everywhere(tables, 9) >= 2
    assert "fewer than 9 people" in html


def test_the_workspace_page_card_shows_targets_against_actuals(
    busy: Any, browser_client: Any
) -> None:
    # when the owner opens the workspace page
    html = _get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}")
    card = _section(html, "targets-h")
    # then each target is read against its actual, with the verdict linking to the health page
    for label in ("Weekly active members", "Median first reply", "Posts on-topic"):
        assert label in card
    assert re.search(r"ta-(met|near|missed|unknown)", card)
    assert f'href="/workspaces/{busy.launch.pk}/health"' in card
    assert "Computed" in card
    computed = StoredMetrics.objects.get(scope=busy.launch.pk).computed_at
    # and a second reader is served from the store, not computed again
    _get(browser_client, busy.mia, f"/workspaces/{busy.launch.pk}")
    assert StoredMetrics.objects.get(scope=busy.launch.pk).computed_at == computed


def test_a_private_workspace_card_is_not_shown_to_outsiders(busy: Any, browser_client: Any) -> None:
    html = _get(browser_client, busy.otto, f"/workspaces/{busy.finance.pk}")
    assert "verdict-badge" not in html
    assert not StoredMetrics.objects.filter(scope=busy.finance.pk).exists()


def test_a_selection_under_the_threshold_shows_why_and_no_figure(
    busy: Any, browser_client: Any, settings: Any
) -> None:
    # given a threshold above everyone in Launch
    settings.LUMOFLOW_MIN_GROUP_SIZE = 50
    html = _get(browser_client, busy.olivia, f"/workspaces/{busy.launch.pk}/health")
    # then one sentence says why, and no chart, target or funnel is drawn
    assert "fewer than 50" in html or "too few" in html.lower()
    assert not _chart_images(html) and 'aria-labelledby="funnel-h"' not in html


def test_the_stored_key_names_the_stored_result_in_one_query(busy: Any) -> None:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lumoflow.core.errors import NotFound
    from lumoflow.measure import compute, queries
    from lumoflow.measure.queries import get_stored_key_for
    from lumoflow.workspaces.queries import get_workspace_for

    # nothing stored: the key's read computes and stores the result once
    key = get_stored_key_for(busy.mia, busy.launch.pk)
    row = StoredMetrics.objects.get(scope=busy.launch.pk)
    assert (key.computed_at, key.end, key.full) == (row.computed_at, row.end, False)
    ws = get_workspace_for(busy.olivia, busy.launch.pk)
    now = timezone.now()
    states = [  # none, queued, running, finished: the plain reads are the oracle
        {},
        {"due_at": now},
        {"due_at": None, "started_at": now},
        {"due_at": None, "started_at": now, "finished_at": now + dt.timedelta(seconds=1)},
    ]
    for state in states:
        if state:
            RefreshState.objects.update_or_create(scope=ws.pk, defaults=state)
        # when the owner's page reads the key
        with CaptureQueriesContext(connection) as q:
            key = get_stored_key_for(busy.olivia, ws)
        # then one query read it, and it says what the plain ORM reads say
        measure_reads = [x for x in q.captured_queries if "measure_" in x["sql"]]
        assert len(measure_reads) == 1, measure_reads
        start, end = compute.default_period()
        plain = queries.stored(ws.pk, start, end, targets=queries.targets_key(ws), rolling=True)
        assert plain is not None
        assert (key.computed_at, key.end, key.full) == (plain.computed_at, plain.end, True)
        assert key.refreshing == queries._refreshing(ws.pk), state
    # new targets: the stored result no longer counts, and is computed again
    busy.launch.target_first_reply_hours = 2
    busy.launch.save(update_fields=["target_first_reply_hours"])
    again = get_stored_key_for(busy.olivia, busy.launch.pk)
    assert again.computed_at > row.computed_at
    # and the same permission rule as the metrics
    with pytest.raises(NotFound):
        get_stored_key_for(busy.mia, busy.merger.pk)


def test_the_reply_chart_draws_the_weekly_p90_beside_the_median(
    busy: Any, browser_client: Any
) -> None:
    # when a member opens the health page
    html = _get(browser_client, busy.mia, f"/workspaces/{busy.launch.pk}/health")
    # then the first-reply chart's table has a median and a P90 for each week shown
    charts = _section(html, "trends-h")
    assert "Hours to the first reply, median and P90" in charts
    (table,) = [t for t in _tables(charts) if t and t[0][1:] == ["Median", "P90"]]
    shown = [row for row in table[1:] if row[1] not in ("no data",) and "fewer" not in row[1]]
    assert shown, table
    # and the P90 of a week is never below its median
    for _, median, p90 in shown:
        assert float(p90.removesuffix(" h")) >= float(median.removesuffix(" h"))


def test_the_drawn_figures_can_be_kept_in_the_page_cache(busy: Any) -> None:
    # given the figures drawn from a stored result, as the page and the chart images use them
    from django.core.cache import caches

    from lumoflow.measure.queries import get_workspace_metrics_for
    from lumoflow.measure.views.health import _draw, workspace_targets

    m = get_workspace_metrics_for(busy.olivia, busy.launch.pk)
    figures = _draw(busy.launch.pk, m, workspace_targets(busy.launch))
    # when they are cached (the object cache refuses anything that could change)
    caches["fragments"].set("test-figures", figures)
    # then they come back whole, each chart's spec by its name
    kept = caches["fragments"].get("test-figures")
    assert kept == figures and kept.spec("funnel") is not None and kept.spec("nothing") is None
