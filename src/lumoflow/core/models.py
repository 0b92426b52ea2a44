"""What core keeps in the database: the change marks behind every cached page (`core.marks`)."""

from __future__ import annotations

from django.db import models


class ChangeMark(models.Model):
    """The current version of one scope of data (`core.marks`): a number that changes, in the
    writing transaction, whenever anything in the scope changes. Scope -1 holds the database's
    epoch, which a flush, a migration or a restore replaces."""

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
