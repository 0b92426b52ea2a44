"""Send the digests of the current period now, by hand (the worker sends them on schedule)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lumoflow.measure.digests import actions, content
from lumoflow.measure.digests.schedule import DIGESTS, MONTHLY, WEEKLY, current_period
from lumoflow.measure.models import DeliveryStatus, DigestDelivery
from lumoflow.people.models import User


class Command(BaseCommand):
    help = (
        "Send the weekly digest (workspace owners) and the monthly digest (executives) of the "
        "current period now; what was sent already is not sent again (--dry-run: say who would "
        "get what, send nothing)."
    )

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--weekly", action="store_true", help="the weekly digest only")
        which.add_argument("--monthly", action="store_true", help="the monthly digest only")
        parser.add_argument(
            "--dry-run", action="store_true", help="send nothing, list who gets what"
        )
        parser.add_argument("--to", metavar="USERNAME", help="only this person")

    def handle(self, *args: Any, **opts: Any) -> None:
        digests = [WEEKLY] if opts["weekly"] else [MONTHLY] if opts["monthly"] else list(DIGESTS)
        person = None
        if opts["to"] is not None:
            person = User.objects.filter(username__iexact=opts["to"].strip()).first()
            if person is None:
                raise CommandError(f"--to: no person with the username '{opts['to']}'.")
        failures = []
        for digest in digests:
            people = content.recipients(digest)
            if person is not None:
                people = [p for p in people if p.pk == person.pk]
                if not people:
                    self.stdout.write(self._why_not(person, digest))
                    continue
            if opts["dry_run"]:
                self._dry_run(digest, people)
                continue
            run = actions.current_run(digest)
            only = None if person is None else [person.pk]
            actions.plan_run(run, only=only)
            outcome = actions.send_pending(run, only=only, ignore_backoff=True)
            self.stdout.write(
                f"{digest} digest {run.period}: sent {outcome.sent}, "
                f"{outcome.pending} left to send, {outcome.given_up} given up."
            )
            if outcome.error:
                failures.append(f"{digest}: {outcome.error}")
        if failures:  # a failure, not bad input: exit 1
            self.stderr.write(
                "lumoflow send-digests: the mail server failed: "
                + "; ".join(failures)
                + " (run it again to send the rest)"
            )
            raise SystemExit(1)

    def _why_not(self, person: User, digest: str) -> str:
        if not person.email:
            reason = "has no e-mail address"
        elif digest == WEEKLY:
            reason = "owns no workspace it covers, or unsubscribed"
        else:
            reason = "is not an executive, or unsubscribed"
        return f"{person.username} gets no {digest} digest ({reason})."

    def _dry_run(self, digest: str, people: list[User]) -> None:
        key = current_period(digest, timezone.now()).key
        sent = set(
            DigestDelivery.objects.filter(
                run__digest=digest, run__period=key, status=DeliveryStatus.SENT
            ).values_list("user_id", flat=True)
        )
        if not people:
            self.stdout.write(f"{digest} digest {key}: nobody to send it to.")
        for p in people:
            if digest == WEEKLY:
                names = [w.name for w in content.weekly_contents(p, key).workspaces]
                what = f"{len(names)} workspace{'s' * (len(names) != 1)}: {', '.join(names)}"
            else:
                what = "the organisation's portfolio"
            done = " (already sent)" if p.pk in sent else ""
            self.stdout.write(f"{digest} digest {key} to {p.username} <{p.email}>: {what}{done}")
