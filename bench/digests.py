"""The weekly digests for every owner of the 10,000-person demo, sent by `lumoflow send-digests
--weekly` through the local default mail backend (files under the data folder's mail/).

The site holds the demo (from the demo cache shared with the health-page benchmark:
`common.load_demo_cached`) with every workspace's metrics stored first (`lumoflow
refresh-metrics`, as the background refresh leaves them). Measured, each in a fresh process:

- baseline: the same messages composed (the same reads, the same templates) and written by the
  same backend, but without their charts and without the outbox (no delivery rows): what any
  e-mail of these digests costs;
- the digests: the command itself (the outbox listed, each message composed with its PNG
  charts, sent and marked one by one).

The ratio (baseline / digests) says what the charts and the outbox cost on top. The sending
process's CPU time is reported beside the wall-clock time: on a shared machine the other work
stretches the second, not the first.
Target: every owner's weekly digest within 60 s.
"""

from __future__ import annotations

from typing import Any

from bench import common

PEOPLE = 10_000
TARGET_S = 60.0


def seed() -> dict[str, Any]:
    """Store every workspace's metrics (in a child process)."""
    from django.core.management import call_command

    call_command("refresh_metrics", verbosity=0)
    return {}


def baseline() -> dict[str, Any]:
    """Compose every weekly digest without charts and write it with the mail backend, without
    the outbox."""
    import time

    from django.core.mail import get_connection
    from django.utils import timezone

    from lumoflow.measure.digests import content, mail
    from lumoflow.measure.digests.schedule import current_period

    period = current_period("weekly", timezone.now())
    started, cpu = time.perf_counter(), time.process_time()
    owners = content.weekly_recipients()
    messages = 0
    for owner in owners:
        contents = content.weekly_contents(owner, period.key)
        message = mail.build_message(contents, period, draw=lambda spec: b"")
        message.connection = get_connection()
        message.send()
        messages += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "messages": messages,
    }


def digests() -> dict[str, Any]:
    """`lumoflow send-digests --weekly`, timed."""
    import io
    import time

    from django.core.management import call_command

    from lumoflow.measure.models import DeliveryStatus, DigestDelivery
    from lumoflow.workspaces.models import Workspace

    started, cpu = time.perf_counter(), time.process_time()
    call_command("send_digests", "--weekly", stdout=io.StringIO())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = DigestDelivery.objects.filter(status=DeliveryStatus.SENT).count()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "sent": sent,
        "pending": DigestDelivery.objects.exclude(status=DeliveryStatus.SENT).count(),
        "workspaces": Workspace.objects.exclude(visibility="secret").count(),
    }


def run() -> list[dict[str, Any]]:
    with common.scratch_site() as site:
        people = max(common.scaled(PEOPLE), 60)
        common.load_demo_cached(site, people=people, months=12, password=common.DEMO_PASSWORD)
        site.call(seed)
        base = site.call(baseline)
        full = site.call(digests)
    if full["pending"] or full["sent"] != base["messages"]:
        raise RuntimeError(f"digests: sent {full['sent']} of {base['messages']}: {full}")
    print(
        f"    {full['sent']} weekly digests ({full['workspaces']} workspaces, {people} people): "
        f"{full['seconds']:.1f} s ({full['cpu']:.1f} s of CPU); without charts and outbox "
        f"{base['seconds']:.1f} s ({base['cpu']:.1f} s of CPU)",
        flush=True,
    )
    return [
        common.figure(
            "weekly digests, every owner",
            full["seconds"],
            "s",
            baseline=base["seconds"],
            higher_is_better=False,
        ),
        # the machine's other work stretches the wall-clock time, not the sending process's CPU
        common.figure(
            "weekly digests, every owner: CPU time of the sender",
            full["cpu"],
            "s",
            baseline=base["cpu"],
            higher_is_better=False,
        ),
        common.figure(
            "weekly digests, every owner (at most 60 s)",
            full["seconds"],
            "s",
            target=TARGET_S,
            higher_is_better=False,
        ),
    ]
