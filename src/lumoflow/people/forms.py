from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lumoflow.core import limits
from lumoflow.core.forms import text_field

from .actions.checks import NOT_IN_TREE


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or e-mail",
        max_length=limits.LOGIN,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


TZ_CHOICES = [("", "— not set —")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = text_field(limits.PERSON_NAME, label="Display name", required=False)
    title = text_field(limits.PERSON_NAME, required=False)
    department = forms.ChoiceField(
        required=False,
        help_text="Administrators add departments.",
        error_messages={"invalid_choice": NOT_IN_TREE.replace("{path}", "%(value)s")},
    )
    manager = text_field(limits.USERNAME, required=False, help_text="Your manager's username.")
    location = text_field(limits.PERSON_NAME, required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=TZ_CHOICES, required=False)

    def __init__(self, *args: Any, departments: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— none —")] + [(p, p) for p in departments]
        cast(forms.ChoiceField, self.fields["department"]).choices = choices


class TokenForm(forms.Form):
    name = text_field(
        limits.TOKEN_NAME,
        label="Token name",
        required=False,
        help_text="What the token is for, e.g. 'reporting script'.",
    )
