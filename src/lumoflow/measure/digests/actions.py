"""Claim, plan and send the digests: the only writes of the digest outbox.

- `claim_due(now)` (the worker, on each loop): for each digest whose current period is due,
  find or create its run (one per (digest, period): the unique key) and claim it with a
  conditional update of its `queued_at` (one worker wins; the others move on), queueing its
  sending task in the same transaction, so a claimed run is never left without its task.
- `plan_run(run)`: one delivery row per recipient (idempotent: the unique (run, person) key).
- `send_pending(run)`: each pending delivery in turn is leased (a conditional UPDATE: one sender
  wins it), composed, sent, and marked sent. A failure of the mail server is recorded on the row
  (attempts, error, next try after an exponential backoff) and ends the pass: the rest waits for
  the retry. After MAX_ATTEMPTS failures a delivery is given up (status "failed", listed in the
  admin). A sender killed half-way leaves what it sent marked and the rest pending; the row it
  held is picked up again when its lease ends. SMTP gives no way to make the send and the mark
  one step: only a crash between the server's acceptance and the mark can send a digest twice.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Collection
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lumoflow.people.models import User

from ..models import DeliveryStatus, DigestDelivery, DigestRun
from ..portfolio import portfolio_for
from . import content, mail
from .schedule import MONTHLY, Period, current_period, due_periods

#: Failed attempts after which a delivery is given up.
MAX_ATTEMPTS = 8
#: The first retry's delay; each further one doubles, up to RETRY_MAX.
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=6)
#: How long a sender holds a delivery it is sending.
LEASE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    sent: int
    failed: int  # attempts that failed in this pass
    pending: int  # still to send after it
    given_up: int
    error: str  # the last failure, "" without one
    retry_at: dt.datetime | None  # when the earliest pending delivery may be tried again


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 1 min, 2, 4, … up to 6 h."""
    wait: dt.timedelta = RETRY_FIRST * (2 ** max(0, attempts - 1))
    return min(wait, RETRY_MAX)


def period_of(run: DigestRun) -> Period:
    """The run's period (its due time is not needed once it exists)."""
    return Period(run.digest, run.period, run.created_at)


def run_for(digest: str, key: str, *, now: dt.datetime) -> DigestRun:
    """The run of a digest's period, created if there is none (the unique key settles a race)."""
    try:
        with transaction.atomic():
            return DigestRun.objects.get_or_create(
                digest=digest, period=key, defaults={"created_at": now}
            )[0]
    except IntegrityError:
        return DigestRun.objects.get(digest=digest, period=key)


def current_run(digest: str, now: dt.datetime | None = None) -> DigestRun:
    """The run of a digest's current period (sending by hand, before or after its time)."""
    now = now or timezone.now()
    return run_for(digest, current_period(digest, now).key, now=now)


def claim_due(now: dt.datetime | None = None) -> list[DigestRun]:
    """Queue the sending of each digest whose period is due and not queued yet: the run's
    `queued_at` is set by a conditional update (one worker wins it) in the transaction that
    queues the task, so a claimed run always has its task."""
    from ..tasks import send_digest_task

    now = now or timezone.now()
    claimed = []
    for period in due_periods(now):
        queued = DigestRun.objects.filter(digest=period.digest, period=period.key)
        if queued.exclude(queued_at=None).exists():
            continue  # the usual case: one read per loop
        with transaction.atomic():
            run = run_for(period.digest, period.key, now=now)
            if DigestRun.objects.filter(pk=run.pk, queued_at=None).update(queued_at=now):
                send_digest_task.enqueue(run.digest, run.period)
                claimed.append(run)
    return claimed


def _previous_verdicts(run: DigestRun) -> dict[str, str] | None:
    before = (
        DigestRun.objects.filter(digest=run.digest, period__lt=run.period)
        .exclude(planned_at=None)
        .order_by("-period")
        .first()
    )
    return dict(before.data.get("verdicts") or {}) if before is not None else None


def plan_run(run: DigestRun, *, only: Collection[int] | None = None) -> int:
    """List a delivery for each recipient of the run's digest (with `only`, for those people
    alone, leaving the run unplanned for the others). Returns the deliveries listed now."""
    people = content.recipients(run.digest)
    if only is not None:
        people = [p for p in people if p.pk in only]
    with transaction.atomic():
        made = DigestDelivery.objects.bulk_create(
            [DigestDelivery(run=run, user=p) for p in people], ignore_conflicts=True
        )
        if only is None and run.planned_at is None:
            if run.digest == MONTHLY and people:
                rows = portfolio_for(people[0]).rows
                run.data = {"verdicts": {str(r.workspace_id): r.verdict for r in rows}}
            run.planned_at = timezone.now()
            run.save(update_fields=["planned_at", "data"])
    return len(made)


def _lease(delivery: DigestDelivery, now: dt.datetime, *, ignore_backoff: bool) -> bool:
    """Take the delivery for this sender; False when another holds it or it was sent."""
    free = Q(leased_until=None) | Q(leased_until__lte=now)
    if not ignore_backoff:
        free &= Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    return (
        DigestDelivery.objects.filter(free, pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            leased_until=now + LEASE
        )
        == 1
    )


def _mark_sent(delivery: DigestDelivery) -> None:
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), leased_until=None, last_error=""
    )


def _mark_failed(delivery: DigestDelivery, error: str) -> bool:
    """Record a failed attempt; True when it was the last one allowed (given up)."""
    attempts = delivery.attempts + 1
    last = attempts >= MAX_ATTEMPTS
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=None if last else timezone.now() + backoff(attempts),
        leased_until=None,
        status=DeliveryStatus.FAILED if last else DeliveryStatus.PENDING,
    )
    return last


def _compose(run: DigestRun, person: User, period: Period, draw: mail.Drawer) -> mail.DigestMessage:
    if run.digest == MONTHLY:
        contents = content.monthly_contents(
            person, run.period, _previous_verdicts(run), portfolio_for(person)
        )
    else:
        contents = content.weekly_contents(person, run.period)
    return mail.build_message(contents, period, draw=draw)


def send_pending(
    run: DigestRun,
    *,
    only: Collection[int] | None = None,
    ignore_backoff: bool = False,
) -> Outcome:
    """Send the run's pending deliveries one by one (with `only`, those people's), each marked
    sent as soon as the server accepted it; `ignore_backoff` (by hand) retries failed ones
    without waiting. The first failure of the mail server ends the pass (see the module)."""
    period = period_of(run)
    draw = mail.memo_drawer()
    pending = (
        DigestDelivery.objects.filter(run=run, status=DeliveryStatus.PENDING)
        .select_related("user")
        .order_by("user__username", "pk")
    )
    if only is not None:
        pending = pending.filter(user_id__in=list(only))
    sent = failed = given_up = 0
    error = ""
    for delivery in pending:
        if not _lease(delivery, timezone.now(), ignore_backoff=ignore_backoff):
            continue
        message = _compose(run, delivery.user, period, draw)
        try:
            # a connection per message: one dropped by the server costs that message alone,
            # and the file backend writes each message to its own file
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            failed += 1
            given_up += _mark_failed(delivery, error)
            break
        _mark_sent(delivery)
        sent += 1
    left = DigestDelivery.objects.filter(run=run, status=DeliveryStatus.PENDING)
    if only is not None:
        left = left.filter(user_id__in=list(only))
    retry = left.exclude(next_attempt_at=None).order_by("next_attempt_at").first()
    return Outcome(
        sent=sent,
        failed=failed,
        pending=left.count(),
        given_up=given_up,
        error=error,
        retry_at=retry.next_attempt_at if retry is not None else None,
    )
