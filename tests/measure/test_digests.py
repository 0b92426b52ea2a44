"""E-mailed digests from the reader's side: who gets which digest and what it says (privacy as
on the pages), `lumoflow send-digests`, the MIME structure through a real SMTP server started in
the test (aiosmtpd), a send killed half-way and re-run, retries with backoff, the schedule's
claim, and unsubscribing (the signed link, the one-click POST, the profile's setting)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lumoflow.activity.models import ActivityEvent
from lumoflow.measure.digests import actions as digests
from lumoflow.measure.digests.schedule import current_period, due_periods
from lumoflow.measure.models import DeliveryStatus, DigestDelivery, DigestRun
from lumoflow.measure.queries import get_workspace_metrics_for
from lumoflow.measure.tasks import send_digest_task
from lumoflow.notifications import queries as notification_queries
from lumoflow.notifications.models import DigestOptOut
from lumoflow.people import actions as people
from lumoflow.workspaces import actions as ws
from tests.conftest import PASSWORD, make_person

pytestmark = pytest.mark.django_db
BASE = "https://lumoflow.example.com"
#: Owners of Launch besides Olivia (the half-way crash needs several recipients).
CO_OWNERS = ("gina", "hugo", "ines", "jon")


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.LUMOFLOW_BASE_URL = BASE
    settings.LUMOFLOW_TIME_ZONE = "Europe/Oslo"


@pytest.fixture
def stored(busy: Any) -> Any:
    """`busy` with Launch's and Finance's metrics stored, Mia an executive (Ada is an
    administrator), a public workspace of Otto's with two people (under the privacy threshold,
    metrics stored), and an open question in Launch."""
    from lumoflow.conversation import actions as conv

    tiny = ws.create_workspace(busy.otto, name="Tiny", purpose="Two people only.")
    ws.add_member(busy.otto, tiny.pk, username="mia")
    conv.create_post(busy.otto, tiny.pk, kind="update", body="Hello Mia.")
    conv.create_post(busy.mia, busy.launch.pk, kind="question", body="Who signs the pilot deals?")
    conv.create_post(busy.olivia, busy.merger.pk, kind="question", body="Secret merger question?")
    for space in (busy.launch, busy.finance, tiny):
        get_workspace_metrics_for(busy.ada, space.pk)
    people.grant_capability(busy.ada, "mia", "executive")
    busy.tiny = tiny
    return busy


def _by_recipient() -> dict[str, Any]:
    return {m.to[0].split("@")[0]: m for m in mail.outbox}


def _html(message: Any) -> str:
    return next(c for c, t in message.alternatives if t == "text/html")


def test_weekly_digest_goes_to_owners_about_their_workspaces_only(stored):
    # when
    call_command("send_digests", "--weekly")
    # then: owners get it (Olivia, Otto), nobody else
    got = _by_recipient()
    assert set(got) == {"olivia", "otto"}
    olivia, otto = got["olivia"], got["otto"]
    html, text = _html(olivia), olivia.body
    for part in (html, text):
        assert "Launch" in part and "Finance" in part
        assert "Merger" not in part and "Secret merger question" not in part  # secret: never
        assert "Tiny" not in part  # not hers
        assert "Who signs the pilot deals?" in part  # the oldest unanswered question
    # charts are inline PNG images named by the HTML, with a text alternative
    cids = re.findall(r'src="cid:([^"]+)"', html)
    alts = re.findall(r'<img src="cid:[^"]+" alt="([^"]+)"', html)
    assert cids and len(alts) == len(cids)
    assert {a.get("Content-ID") for a in olivia.attachments} == {f"<{c}>" for c in cids}
    # every link is absolute
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith(BASE + "/") for link in links)
    assert f"{BASE}/workspaces/{stored.launch.pk}/health" in text
    # the workspace under the threshold says why it shows no figures, and shows none
    tiny = _html(otto)
    assert "Tiny" in tiny and "people active last week" not in tiny
    assert "too few people" in tiny.lower() or "fewer than" in tiny.lower()
    assert not re.findall(r'src="cid:', tiny)
    # one delivery each, marked sent
    run = DigestRun.objects.get(digest="weekly")
    assert run.deliveries.filter(status=DeliveryStatus.SENT).count() == 2


def test_monthly_digest_goes_to_executives_and_compares_with_last_month(stored):
    # given a first monthly digest at the start of November
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        call_command("send_digests", "--monthly")
    # then executives got it: Mia (granted), Ada (administrator); never the owners as such
    got = _by_recipient()
    assert set(got) == {"mia", "ada"}
    html = _html(got["mia"])
    assert "first monthly digest" in html
    assert "Launch" in html and "Merger" not in html
    assert "1 not enough people to say" in html  # Tiny: measured, no verdict, no figures
    assert re.findall(r'src="cid:([^"]+)"', html)  # the verdicts chart
    assert f"{BASE}/org" in got["mia"].body
    # when December's is sent
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("send_digests", "--monthly")
    # then it compares with November's
    html = _html(_by_recipient()["mia"])
    assert "first monthly digest" not in html
    assert "No verdict changed" in html


def test_send_digests_dry_run_says_who_gets_what_and_sends_nothing(stored, capsys):
    # when
    call_command("send_digests", "--dry-run")
    # then
    out = capsys.readouterr().out
    assert "weekly digest" in out and "to olivia <olivia@example.com>" in out
    assert "Launch" in out and "Merger" not in out
    assert "monthly digest" in out and "to mia <mia@example.com>" in out
    assert mail.outbox == []
    assert not DigestRun.objects.exists() and not DigestDelivery.objects.exists()


def test_send_digests_to_one_person_sends_theirs_alone_and_only_once(stored, capsys):
    # when
    call_command("send_digests", "--to", "olivia")
    call_command("send_digests", "--to", "olivia")
    # then: her weekly digest, once; she is no executive
    assert [m.to for m in mail.outbox] == [["olivia@example.com"]]
    out = capsys.readouterr().out
    assert "olivia gets no monthly digest (is not an executive, or unsubscribed)." in out
    # and the others still get theirs from the full run
    call_command("send_digests", "--weekly")
    assert sorted(m.to[0] for m in mail.outbox) == ["olivia@example.com", "otto@example.com"]


def test_send_digests_to_an_unknown_person_is_exit_2_with_one_line(stored, capsys):
    from lumoflow.cli import main

    # when
    code = main(["send-digests", "--to", "nobody"])
    # then
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == ["lumoflow send-digests: --to: no person with the username 'nobody'."]
    assert mail.outbox == []


def test_send_digests_to_someone_who_gets_none_says_why(stored, capsys):
    call_command("send_digests", "--to", "fred")
    out = capsys.readouterr().out
    assert "fred gets no weekly digest (owns no workspace it covers, or unsubscribed)." in out
    assert mail.outbox == []


# ---- a real SMTP server -------------------------------------------------------------------


@dataclass
class Recorder:
    """An SMTP handler that keeps what it accepts and, when told, drops the connection instead
    of accepting more than `accept` messages."""

    accept: int | None = None
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.accept is not None and len(self.received) >= self.accept:
                server.transport.close()  # the server goes away mid-send
                return "421 closing"
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A real SMTP server on localhost, and the product's SMTP backend pointed at it."""
    recorder = Recorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 10
    recorder.port = port  # type: ignore[attr-defined]
    yield recorder
    controller.stop()


def test_a_digest_through_a_real_smtp_server_is_text_html_and_inline_images(stored, smtp):
    # when
    call_command("send_digests", "--weekly", "--to", "olivia")
    # then
    [(to, raw)] = smtp.received
    assert to == ["olivia@example.com"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/related"
    alternative, *images = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert images and {i.get_content_type() for i in images} == {"image/png"}
    html = alternative.get_body(("html",)).get_content()
    for image in images:
        assert image.get_content().startswith(b"\x89PNG")
        assert f"cid:{image['Content-ID'].strip('<>')}" in html
        assert image.get_content_disposition() == "inline"
    unsubscribe = msg["List-Unsubscribe"].strip()  # folded after the colon: long
    assert re.fullmatch(rf"<{BASE}/notifications/unsubscribe/[^>]+>", unsubscribe)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Subject"].startswith("Your workspaces in the week of")


def _owners(org: Any) -> None:
    for name in CO_OWNERS:
        make_person(name)
        ws.add_member(org.olivia, org.launch.pk, username=name, role="owner")


def test_a_send_cut_half_way_sends_each_remaining_digest_once_when_run_again(stored, smtp, capsys):
    # given six owners, and a mail server that goes away after two messages
    _owners(stored)
    smtp.accept = 2
    from lumoflow.cli import main

    # when the send runs
    code = main(["send-digests", "--weekly"])
    # then it stops at the failure: two sent and marked, the failure recorded, exit 1
    assert code == 1
    assert "the mail server failed" in capsys.readouterr().err
    assert len(smtp.received) == 2
    rows = DigestDelivery.objects.filter(run__digest="weekly")
    assert rows.count() == 6
    assert rows.filter(status=DeliveryStatus.SENT).count() == 2
    failed = rows.get(attempts=1)
    assert failed.status == DeliveryStatus.PENDING and failed.last_error
    assert failed.next_attempt_at is not None
    # when the server is back and it runs again
    smtp.accept = None
    assert main(["send-digests", "--weekly"]) == 0
    # then each owner got exactly one digest
    recipients = sorted(to[0] for to, _ in smtp.received)
    assert recipients == sorted(f"{u}@example.com" for u in ("olivia", "otto", *CO_OWNERS))
    assert rows.filter(status=DeliveryStatus.SENT).count() == 6
    # and a third run sends nothing
    assert main(["send-digests", "--weekly"]) == 0
    assert len(smtp.received) == 6


def test_the_task_retries_with_backoff_and_gives_up_after_the_last_attempt(stored, settings):
    # given a mail server that refuses connections
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    start = dt.datetime(2026, 12, 7, 7, 30, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        run = digests.current_run("weekly")
        # when the task runs
        send_digest_task.call(run.digest, run.period)
    # then the failure is recorded, and the task queued itself again for after the backoff
    first = DigestDelivery.objects.get(user=stored.olivia)
    assert first.attempts == 1 and "refused" in first.last_error.lower()
    assert first.next_attempt_at == start + dt.timedelta(minutes=1)
    retry = DBTaskResult.objects.get()
    assert retry.run_after == first.next_attempt_at
    # and each later failure waits twice as long, until it gives up
    waits = []
    now = start
    for _ in range(digests.MAX_ATTEMPTS - 1):
        now = DigestDelivery.objects.get(user=stored.olivia).next_attempt_at
        with time_machine.travel(now, tick=False):
            send_digest_task.call(run.digest, run.period)
        row = DigestDelivery.objects.get(user=stored.olivia)
        if row.next_attempt_at:
            waits.append((row.next_attempt_at - now).total_seconds() / 60)
    assert waits == [2, 4, 8, 16, 32, 64]
    row = DigestDelivery.objects.get(user=stored.olivia)
    assert row.status == DeliveryStatus.FAILED and row.attempts == digests.MAX_ATTEMPTS


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    assert [digests.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 10, 20)] == [
        1,
        2,
        4,
        360,
        360,
    ]


# ---- the schedule -------------------------------------------------------------------------


def test_periods_are_due_at_their_time_in_the_organisations_time_zone(settings):
    # Monday 7 December 2026, 06:30 UTC is 07:30 in Oslo: the weekly digest of week 50 is due
    monday = dt.datetime(2026, 12, 7, 6, 30, tzinfo=dt.UTC)
    weekly = current_period("weekly", monday)
    assert weekly.key == "2026-W50"
    assert weekly.due_at == dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)
    assert [p.key for p in due_periods(monday)] == ["2026-W50", "2026-12"]
    # five minutes before 07:00 in Oslo, neither is
    assert due_periods(dt.datetime(2026, 12, 1, 5, 55, tzinfo=dt.UTC)) == [
        current_period("weekly", dt.datetime(2026, 12, 1, 5, 55, tzinfo=dt.UTC))
    ]
    assert [p.key for p in due_periods(dt.datetime(2026, 11, 30, 5, 55, tzinfo=dt.UTC))] == [
        "2026-11"  # November's, due on the 1st; not yet week 49's
    ]
    # configured times
    settings.LUMOFLOW_DIGEST_WEEKLY, settings.LUMOFLOW_DIGEST_MONTHLY = "fri 16:30", "3 08:00"
    friday = current_period("weekly", monday)
    assert friday.due_at == dt.datetime(2026, 12, 11, 15, 30, tzinfo=dt.UTC)
    assert current_period("monthly", monday).due_at == dt.datetime(2026, 12, 3, 7, tzinfo=dt.UTC)


def test_a_due_digest_is_claimed_and_queued_once_however_many_workers_look(stored):
    # given the weekly digest due, and the monthly one queued already
    at = dt.datetime(2026, 12, 7, 6, 30, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        DigestRun.objects.create(digest="monthly", period="2026-12", created_at=at, queued_at=at)
        # when workers look, one after the other
        first = digests.claim_due()
        again = [digests.claim_due(), digests.claim_due()]
    # then one claim, one task
    assert [(r.digest, r.period) for r in first] == [("weekly", "2026-W50")]
    assert again == [[], []]
    assert DBTaskResult.objects.count() == 1
    assert DigestRun.objects.get(digest="weekly").queued_at == at


def test_a_run_sent_by_hand_before_its_time_is_still_queued_and_sends_only_the_rest(stored):
    # given Olivia's weekly digest sent by hand on Monday before 07:00 Oslo time
    early = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
    with time_machine.travel(early, tick=False):
        call_command("send_digests", "--weekly", "--to", "olivia")
        assert "weekly" not in {r.digest for r in digests.claim_due()}  # not due yet
    # when its time comes and the worker runs the task
    with time_machine.travel(early + dt.timedelta(hours=2), tick=False):
        [run] = [r for r in digests.claim_due() if r.digest == "weekly"]
        send_digest_task.call(run.digest, run.period)
    # then Otto gets his; Olivia got hers once
    assert sorted(m.to[0] for m in mail.outbox) == ["olivia@example.com", "otto@example.com"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_digests_when_their_time_comes(stored):
    # when a worker runs at a time the weekly digest is due
    with time_machine.travel(dt.datetime(2026, 12, 8, 9, tzinfo=dt.UTC), tick=False):
        call_command("worker", "--batch")
    # then the owners got it
    assert {m.to[0] for m in mail.outbox} >= {"olivia@example.com", "otto@example.com"}
    assert DigestRun.objects.get(digest="weekly", period="2026-W50").queued_at is not None


# ---- unsubscribing ------------------------------------------------------------------------


def _unsubscribe_url(user: Any, digest: str = "weekly") -> str:
    token = notification_queries.unsubscribe_token(user.pk, digest)
    return reverse("conversation:notifications:unsubscribe", args=[token])


def test_the_link_unsubscribes_with_one_click_without_signing_in(stored):
    client = Client(enforce_csrf_checks=True)
    url = _unsubscribe_url(stored.olivia)
    # when she opens the link: a page with one button, nothing changed yet
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not DigestOptOut.objects.exists()
    # when she presses it (a form without a CSRF token: the link is the credential)
    done = client.post(url)
    # then
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert DigestOptOut.objects.filter(user=stored.olivia, digest="weekly").exists()
    event = ActivityEvent.objects.filter(actor=stored.olivia, object_type="digest").get()
    assert (event.object_id, event.text) == ("weekly", "unsubscribed")
    # and the next weekly digest skips her
    call_command("send_digests", "--weekly")
    assert [m.to[0] for m in mail.outbox] == ["otto@example.com"]


def test_a_mail_clients_one_click_post_unsubscribes(stored):
    url = _unsubscribe_url(stored.mia, "monthly")
    r = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 200
    assert notification_queries.digests_taken_by(stored.mia) == {"weekly"}


@pytest.mark.parametrize("change", ["cut", "other_salt", "edited"])
def test_a_tampered_link_is_a_clear_400_and_changes_nothing(stored, change):
    from django.core import signing

    token = notification_queries.unsubscribe_token(stored.olivia.pk, "weekly")
    bad = {
        "cut": token[:-3],
        "other_salt": signing.dumps({"u": stored.olivia.pk, "d": "weekly"}),
        "edited": token[:-1] + ("A" if token[-1] != "A" else "B"),
    }[change]
    url = reverse("conversation:notifications:unsubscribe", args=[bad])
    for method in ("get", "post"):
        r = getattr(Client(), method)(url)
        assert r.status_code == 400
        assert b"This unsubscribe link is not valid" in r.content
    assert not DigestOptOut.objects.exists()


def test_an_expired_link_is_a_clear_400(stored, settings):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        url = _unsubscribe_url(stored.olivia)
    with time_machine.travel(
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        + dt.timedelta(days=settings.LUMOFLOW_UNSUBSCRIBE_DAYS + 1),
        tick=False,
    ):
        r = Client().post(url)
    assert r.status_code == 400 and b"This unsubscribe link has expired" in r.content
    assert not DigestOptOut.objects.exists()


def test_the_profile_setting_turns_digests_off_and_on(stored):
    client = Client()
    assert client.login(username="olivia", password=PASSWORD)
    page = client.get(reverse("people:profile")).content.decode()
    assert 'name="digest" value="weekly" checked' in page
    # when she unticks both
    r = client.post(reverse("conversation:notifications:digests"), {})
    # then
    assert r.status_code == 302
    assert notification_queries.digests_taken_by(stored.olivia) == set()
    page = client.get(reverse("people:profile")).content.decode()
    assert 'name="digest" value="weekly" checked' not in page
    call_command("send_digests", "--weekly")
    assert [m.to[0] for m in mail.outbox] == ["otto@example.com"]
    # when she ticks the weekly one again
    client.post(reverse("conversation:notifications:digests"), {"digest": ["weekly"]})
    assert notification_queries.digests_taken_by(stored.olivia) == {"weekly"}
    texts = list(
        ActivityEvent.objects.filter(actor=stored.olivia, object_type="digest")
        .order_by("pk")
        .values_list("object_id", "text")
    )
    assert texts == [
        ("weekly", "unsubscribed"),
        ("monthly", "unsubscribed"),
        ("weekly", "subscribed"),
    ]


def test_an_unknown_digest_in_the_profile_form_is_refused(stored):
    from lumoflow.core.errors import Invalid
    from lumoflow.notifications import actions as notification_actions

    with pytest.raises(Invalid, match="Unknown digest 'daily'"):
        notification_actions.set_digests(stored.olivia, on=["weekly", "daily"])
    assert notification_queries.digests_taken_by(stored.olivia) == {"weekly", "monthly"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LUMOFLOW_BASE_URL", "lumoflow.example.com"),
        ("LUMOFLOW_BASE_URL", "https://lumoflow.example.com/?x=1"),
        ("LUMOFLOW_TIME_ZONE", "Mars/Olympus"),
        ("LUMOFLOW_DIGEST_WEEKLY", "monday 7am"),
        ("LUMOFLOW_DIGEST_MONTHLY", "31 07:00"),
    ],
)
def test_a_bad_address_or_schedule_stops_the_start_with_one_clear_line(tmp_path, name, value):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LUMOFLOW_DATA_DIR": str(tmp_path), name: value}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import lumoflow.config.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert f"ImproperlyConfigured: {name}={value!r}" in done.stderr
