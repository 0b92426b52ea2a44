"""Stored measurement results: the engine's guarded JSON per workspace (or the organisation),
period, engine version and targets, and the state of each scope's background refresh."""

from __future__ import annotations

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
