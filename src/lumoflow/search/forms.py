"""The search page's form: the same parameters as GET /api/v1/search."""

from __future__ import annotations

from django import forms

from lumoflow.core import limits

from .models import Kind


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=limits.SEARCH_QUERY, strip=True, label="Search")
    type = forms.ChoiceField(
        required=False, choices=[("", "Everything"), *Kind.choices], label="Type"
    )
    workspace = forms.IntegerField(required=False, min_value=1, label="Workspace")
    author = forms.CharField(required=False, max_length=limits.USERNAME, label="Author")
    cursor = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


# `from` and `to`, as the API names them (`from` is a Python keyword: no class attribute).
SearchForm.base_fields["from"] = forms.DateField(required=False, label="From")
SearchForm.base_fields["to"] = forms.DateField(required=False, label="To")
