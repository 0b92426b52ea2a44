from __future__ import annotations

from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """The Django side of the importers: "Measure an export" (`/org/measure`), its stored
    measurements and the background tasks that measure and load them. The parsers themselves
    stay pure (no Django), so `lumoflow analyze` reads exports without it."""

    name = "lumoflow.importers"
    label = "importers"
