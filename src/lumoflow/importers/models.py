"""Measurements of uploaded exports ("Measure an export", `/org/measure`): the file kept on
disk under the data folder, the state of its background measurement and of its load into the
platform, and the engine's guarded report."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Measurement(models.Model):
    """One uploaded export and what was measured from it; kept until an administrator deletes
    it (the file with it). Written only by `importers.actions`."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    class LoadStatus(models.TextChoices):
        NONE = ""
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    #: the uploaded file's name as its sender named it (shown, and the report's title)
    name = models.CharField(max_length=255)
    #: the export's format (a key of `importers.SOURCES`): chosen, or detected at upload
    source = models.CharField(max_length=20)
    size = models.BigIntegerField()
    #: the folder under the data folder holding the file (`importers.uploads`)
    folder = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: 0..100 while the engine measures; null while the export is read (no total known)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: the engine's guarded report (`analytics.report.report_data`), once done
    data = models.JSONField(null=True, blank=True)
    #: what the export holds: counts, skipped records, its channels or groups (for the mapping)
    summary = models.JSONField(null=True, blank=True)
    load_status = models.CharField(
        max_length=10, choices=LoadStatus.choices, default=LoadStatus.NONE, blank=True
    )
    load_mapping = models.JSONField(null=True, blank=True)
    load_result = models.TextField(blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="measurement_newest")]

    def __str__(self) -> str:
        return f"{self.name} ({self.source}, {self.status})"

    @property
    def active(self) -> bool:
        """Measuring or loading now (the page refreshes itself)."""
        busy = {self.Status.QUEUED, self.Status.RUNNING}
        return self.status in busy or self.load_status in busy
