"""Forms of "Measure an export"."""

from __future__ import annotations

from django import forms

from . import SOURCES
from .uploads import FIELD

SOURCE_CHOICES = [("", "Detect it from the file")] + [(s.name, s.help) for s in SOURCES.values()]


class MeasureForm(forms.Form):
    """The upload: the export (one file: a zip, a .jsonl, an mbox ...) and, optionally, its
    format. The file itself is streamed to disk by `uploads.ExportUploadHandler`."""

    source = forms.ChoiceField(choices=SOURCE_CHOICES, required=False, label="Format")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields[FIELD] = forms.FileField(
            label="Export",
            error_messages={
                "required": "Choose the export file to measure.",
                "empty": "The file is empty: upload the export itself.",
                "invalid": "Send the export as a file.",
            },
        )
        self.order_fields([FIELD, "source"])
