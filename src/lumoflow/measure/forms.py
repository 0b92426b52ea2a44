"""Forms of the measurement pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms


class PeriodForm(forms.Form):
    """A period from the address (`?from=YYYY-MM-DD&to=YYYY-MM-DD`), both ends optional: the
    fields carry the address's names, so a refused period's errors land on them."""

    def __init__(self, query: Mapping[str, Any]) -> None:
        super().__init__({"from": query.get("from", ""), "to": query.get("to", "")})
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                required=False, label=label, widget=forms.DateInput({"type": "date"})
            )
