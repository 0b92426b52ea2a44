"""Stored measurement results: the engine's guarded JSON per workspace (or the organisation),
period, engine version and targets, and the state of each scope's background refresh."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The scope of the organisation's metrics (every workspace that is not secret); a workspace's
#: scope is its id.
ORGANISATION = 0


class StoredMetrics(models.Model):
    """One computation of the engine (`analytics.report.report_data`, individuals off).

    Valid while the engine version and, for a workspace, its targets are those it was computed
    with; `measure.queries` reads only such rows.
    """

    scope = models.BigIntegerField()  # a workspace's id, or ORGANISATION
    start = models.DateField()  # first day included (UTC)
    end = models.DateField()  # last day included
    engine = models.CharField(max_length=64)
    targets = models.CharField(max_length=64, blank=True)  # "" for the organisation
    #: computed for the default period (the 12 months up to the day it ran), which the
    #: background refresh keeps current; other periods are asked for explicitly
    rolling = models.BooleanField(default=False)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "start", "end", "engine", "targets"],
                name="measure_one_result_per_key",
            ),
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="period"),
        ]
        indexes = [
            models.Index(fields=["scope", "engine", "targets", "rolling", "-computed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.start}..{self.end} ({self.engine}) at {self.computed_at}"


class RefreshState(models.Model):
    """The background refresh of one scope: when its queued task may run (`due_at`, None when
    none is queued), and when a run last started and finished."""

    scope = models.BigIntegerField(primary_key=True)
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scope}: due {self.due_at}, started {self.started_at}"


class ValueSettings(models.Model):
    """The organisation's value assumptions (one row; none: the engine's defaults). Written by
    `actions.update_value_assumptions` only."""

    answered_low = models.FloatField()  # minutes saved per answered question
    answered_base = models.FloatField()
    answered_high = models.FloatField()
    reuse_low = models.FloatField()  # minutes saved per view of knowledge by someone else
    reuse_base = models.FloatField()
    reuse_high = models.FloatField()
    hourly_cost = models.FloatField()
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "value assumptions"
        verbose_name_plural = "value assumptions"

    def __str__(self) -> str:
        return f"value assumptions of {self.updated_at:%Y-%m-%d %H:%M}"


class DigestRun(models.Model):
    """One digest for one period (`digest` "weekly" / "monthly", `period` "2026-W49" /
    "2026-12"), one row for each (the unique key); its `queued_at` is claimed by one worker
    alone, so two workers never both queue its sending. `data` keeps what the next period
    compares with (the monthly digest: each workspace's verdict)."""

    digest = models.CharField(max_length=10)
    period = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    #: when its sending task was queued on schedule (the conditional update that sets it is the
    #: worker's claim); None while only sent by hand
    queued_at = models.DateTimeField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)  # its deliveries are all listed
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "period"], name="digest_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.digest} digest {self.period}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


class DigestDelivery(models.Model):
    """The outbox: one digest for one person in one period, sent and marked one at a time, so
    a run that stops half-way (mail server down, the worker killed) sends only what is left.
    Each failed attempt is counted with its error and the time of the next try."""

    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # after a failure (backoff)
    #: a sender holds the row until then: another sender leaves it alone meanwhile, and picks
    #: it up after, should the holder have died
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], name="digest_once_per_person"),
        ]
        indexes = [models.Index(fields=["run", "status"], name="digest_delivery_status")]

    def __str__(self) -> str:
        return f"{self.run} for {self.user_id}: {self.status}"
