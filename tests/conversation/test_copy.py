"""Pages speak as people do: errors in words, not field names; figures without stray zeros;
one time format; an accepted answer shown once; a heading on the thread page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.contrib.messages import get_messages


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_empty_post_is_refused_in_peoples_words(org: Any, browser_client: Any) -> None:
    # when Mia posts nothing
    client = browser_client(org.mia)
    response = client.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": ""})

    # then she is told what to do, not which field failed
    assert _messages(response) == ["Not posted: Write something before posting."]


def test_an_empty_reply_is_refused_in_peoples_words(org: Any, browser_client: Any) -> None:
    from lumoflow.conversation import actions

    post = actions.create_post(org.olivia, org.launch.pk, kind="question", body="Who?")
    response = browser_client(org.mia).post(f"/posts/{post.pk}/reply", {"body": "  "})
    assert _messages(response) == ["Reply not sent: Write something before replying."]


def test_workspace_page_shows_targets_as_percentages_and_no_none(
    org: Any, browser_client: Any
) -> None:
    # when Mia opens the workspace page (default targets: 0.400 and 0.700 of one)
    html = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()

    # then the targets read as percentages, and no sentence starts with "None:"
    assert "40%" in html and "70%" in html
    assert not re.search(r"\d\.\d{3}\b", html)
    assert "None:" not in html


def test_a_key_result_that_should_go_down_reads_against_its_target(
    org: Any, browser_client: Any
) -> None:
    from lumoflow.workspaces import actions as ws

    today = date.today()
    ws.create_objective(
        org.olivia,
        org.launch.pk,
        title="Fewer incidents",
        start=today - timedelta(days=10),
        end=today + timedelta(days=60),
        key_results=[
            {
                "metric_name": "Incidents a month",
                "unit": "incidents",
                "baseline": 12,
                "target": 6,
                "direction": "decrease",
                "due": today + timedelta(days=60),
            }
        ],
    )
    html = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()
    assert "12 incidents, target 6 (from 12)" in html
    assert "0 (from 0)" in html  # the increasing one: "0 of 10 (from 0)"


def test_thread_page_has_a_heading_and_shows_the_accepted_answer_once(
    org: Any, browser_client: Any
) -> None:
    from lumoflow.conversation import actions

    # given a question with two replies, one accepted
    question = actions.create_post(org.mia, org.launch.pk, kind="question", body="Who has it?")
    answer = actions.create_reply(org.olivia, question.pk, body="Fred has the list.")
    actions.create_reply(org.fred, question.pk, body="Thanks!")
    actions.accept_answer(org.mia, question.pk, reply_id=answer.pk)

    # when the thread is opened
    html = browser_client(org.mia).get(f"/posts/{question.pk}").content.decode()

    # then it has a heading, the answer shows once, and times are <time> elements with a title
    assert re.search(r"<h1[^>]*>Question from Mia</h1>", html)
    assert html.count("Fred has the list.") == 1
    assert "Thanks!" in html
    assert re.search(r'<time datetime="[^"]+" title="\w{3} \d+ \w{3} \d{4}, \d\d:\d\d">', html)
