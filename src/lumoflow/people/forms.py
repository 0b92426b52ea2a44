from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


TZ_CHOICES = [("", "— not set —")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=150, required=False)
    title = forms.CharField(max_length=150, required=False)
    department = forms.CharField(
        max_length=500,
        required=False,
        help_text="A path such as Sales/Nordics; missing parts are created.",
    )
    manager = forms.CharField(max_length=150, required=False, help_text="Your manager's username.")
    location = forms.CharField(max_length=150, required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=TZ_CHOICES, required=False)


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        required=False,
        help_text="What the token is for, e.g. 'reporting script'.",
    )
