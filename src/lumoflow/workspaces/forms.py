from __future__ import annotations

from django import forms

from .models import PURPOSE_MAX, Direction, Role, Visibility


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One paragraph: why this workspace exists and for whom.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )


class TargetsForm(forms.Form):
    target_weekly_active_share = forms.DecimalField(
        label="Weekly active members (%)", min_value=0, max_value=100, decimal_places=1
    )
    target_first_reply_hours = forms.DecimalField(
        label="Median hours to first reply to a question",
        min_value=0,
        max_value=10000,
        decimal_places=1,
    )
    target_on_topic_share = forms.DecimalField(
        label="Posts on-topic to the objectives (%)", min_value=0, max_value=100, decimal_places=1
    )


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class KeyResultForm(forms.Form):
    metric_name = forms.CharField(label="Metric", max_length=200)
    unit = forms.CharField(max_length=40, required=False)
    baseline = forms.FloatField()
    target = forms.FloatField()
    direction = forms.ChoiceField(
        choices=[("", "from the numbers")] + list(Direction.choices), required=False
    )
    due = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


KeyResultFormSet = forms.formset_factory(
    KeyResultForm, extra=3, min_num=1, validate_min=True, max_num=10
)


class CheckInForm(forms.Form):
    value = forms.FloatField()
    confidence = forms.IntegerField(
        min_value=0, max_value=10, initial=7, help_text="0 = no chance, 10 = certain"
    )
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
