"""Forms of the measurement pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

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


class PortfolioForm(forms.Form):
    """The portfolio's filters and order, as a query string (links and a GET form: no
    JavaScript needed)."""

    department = forms.CharField(required=False, max_length=200)
    verdict = forms.ChoiceField(required=False, choices=[("", "Any verdict")])
    sponsor = forms.CharField(required=False, max_length=150)
    sort = forms.ChoiceField(required=False, choices=[])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .portfolio import SORTS, VERDICT_CHOICES

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["verdict"]).choices = [
            ("", "Any verdict"),
            *VERDICT_CHOICES.items(),
        ]
        cast(forms.ChoiceField, self.fields["sort"]).choices = list(SORTS.items())


LEVEL_FIELDS = ("low", "base", "high")


class ValueAssumptionsForm(forms.Form):
    """The organisation's value assumptions (administrators)."""

    answered_low = forms.FloatField(label="Minutes saved per answered question: low")
    answered_base = forms.FloatField(label="… base")
    answered_high = forms.FloatField(label="… high")
    reuse_low = forms.FloatField(label="Minutes saved per view of knowledge: low")
    reuse_base = forms.FloatField(label="… base")
    reuse_high = forms.FloatField(label="… high")
    hourly_cost = forms.FloatField(label="Hourly cost of an employee")
    currency = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .assumptions import CURRENCIES

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(c, c) for c in CURRENCIES]
