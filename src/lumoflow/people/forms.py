from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lumoflow.core import limits
from lumoflow.core.forms import text_field


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
    department = text_field(
        limits.DEPARTMENT_PATH,
        required=False,
        help_text="A path such as Sales/Nordics; missing parts are created.",
    )
    manager = text_field(limits.USERNAME, required=False, help_text="Your manager's username.")
    location = text_field(limits.PERSON_NAME, required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=TZ_CHOICES, required=False)


class TokenForm(forms.Form):
    name = text_field(
        limits.TOKEN_NAME,
        label="Token name",
        required=False,
        help_text="What the token is for, e.g. 'reporting script'.",
    )
