from __future__ import annotations

from django import forms

from lumoflow.core import limits
from lumoflow.core.forms import text_field

from .models import Direction, Role, Visibility


class WorkspaceForm(forms.Form):
    name = text_field(limits.WORKSPACE_NAME)
    purpose = text_field(
        limits.WORKSPACE_PURPOSE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One paragraph: why this workspace exists and for whom.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )


class WorkspaceSettingsForm(WorkspaceForm):
    excluded_from_org_analytics = forms.BooleanField(
        label="Exclude from organisation analytics",
        required=False,
        help_text="The organisation's portfolio then lists this workspace as excluded, with "
        "none of its figures.",
    )
    announcements_by_members = forms.BooleanField(
        label="Every member may post announcements",
        required=False,
        help_text="Announcements reach every member's home feed; otherwise only owners and "
        "facilitators post them.",
    )


class TargetsForm(forms.Form):
    target_weekly_active_share = forms.DecimalField(
        label="Weekly active members (%)", min_value=0, max_value=100, decimal_places=1
    )
    target_first_reply_hours = forms.DecimalField(
        label="Median hours to first reply to a question",
        min_value=0,
        max_value=limits.FIRST_REPLY_HOURS_MAX,
        decimal_places=1,
    )
    target_on_topic_share = forms.DecimalField(
        label="Posts on-topic to the objectives (%)", min_value=0, max_value=100, decimal_places=1
    )


class ObjectiveForm(forms.Form):
    title = text_field(limits.OBJECTIVE_TITLE)
    description = text_field(
        limits.OBJECTIVE_DESCRIPTION, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class KeyResultForm(forms.Form):
    metric_name = text_field(limits.KEY_RESULT_METRIC, label="Metric")
    unit = text_field(limits.KEY_RESULT_UNIT, required=False)
    baseline = forms.FloatField()
    target = forms.FloatField()
    direction = forms.ChoiceField(
        choices=[("", "from the numbers")] + list(Direction.choices), required=False
    )
    due = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    owner = text_field(
        limits.USERNAME, required=False, help_text="Username of a member who may check in on it."
    )


KeyResultFormSet = forms.formset_factory(
    KeyResultForm, extra=3, min_num=1, validate_min=True, max_num=10
)


class CheckInForm(forms.Form):
    value = forms.FloatField(
        error_messages={
            "required": "Enter the value you measured.",
            "invalid": "The value must be a number, such as 12 or 12.5.",
        }
    )
    confidence = forms.IntegerField(
        min_value=0,
        max_value=limits.CONFIDENCE_MAX,
        initial=7,
        error_messages={
            "required": f"Say how confident you are, from 0 to {limits.CONFIDENCE_MAX}.",
            "invalid": f"Confidence is a whole number from 0 to {limits.CONFIDENCE_MAX}.",
            "min_value": f"Confidence is a whole number from 0 to {limits.CONFIDENCE_MAX}.",
            "max_value": f"Confidence is a whole number from 0 to {limits.CONFIDENCE_MAX}.",
        },
        help_text=f"0 = no chance, {limits.CONFIDENCE_MAX} = certain",
    )
    note = text_field(
        limits.CHECK_IN_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberForm(forms.Form):
    username = text_field(limits.USERNAME)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class PurposeForm(forms.Form):
    """The purpose alone: stated on the workspace page when an import left a placeholder."""

    purpose = text_field(
        limits.WORKSPACE_PURPOSE, empty="Write what the workspace is for before saving."
    )
