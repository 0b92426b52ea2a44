from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django import forms

from lumoflow.core import limits
from lumoflow.core.forms import text_field

from .models import IdeaStatus, Kind

#: Session keys of what was typed in a refused post or reply, for the page shown next without
#: JavaScript (in place, the form itself stays as it was). Taken once, by that page.
DRAFT, REPLY_DRAFT = "draft:workspace:{}", "draft:thread:{}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PostForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.UPDATE)
    body = text_field(
        limits.post_body(),
        empty="Write something before posting.",
        label="Message",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "Share an update, ask a question… Markdown, @mentions, #hashtags",
                "data-mentions": "1",
            }
        ),
    )
    objective_id = forms.TypedChoiceField(
        label="Objective", required=False, coerce=int, empty_value=None, choices=[]
    )
    # The form's metaclass moves declared fields to base_fields: BaseForm.files stays the upload.
    files = MultipleFileField(label="Attach files", required=False)  # type: ignore[assignment]

    def __init__(
        self,
        *args: object,
        objectives: Iterable[tuple[int, str]] = (),
        announce: bool = True,
        **kw: object,
    ):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        objective = cast(forms.TypedChoiceField, self.fields["objective_id"])
        objective.choices = [("", "No objective")] + list(objectives)
        if not announce:  # offered only to those who may post one (the action decides)
            kind = cast(forms.ChoiceField, self.fields["kind"])
            kind.choices = [c for c in Kind.choices if c[0] != Kind.ANNOUNCEMENT]


class ReplyForm(forms.Form):
    body = text_field(
        limits.post_body(),
        empty="Write something before replying.",
        label="Reply",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Reply…", "data-mentions": "1"}),
    )
    # The form's metaclass moves declared fields to base_fields: BaseForm.files stays the upload.
    files = MultipleFileField(label="Attach files", required=False)  # type: ignore[assignment]


class EditForm(forms.Form):
    body = text_field(
        limits.post_body(),
        empty="Write something before saving, or delete the post.",
        widget=forms.Textarea(attrs={"rows": 6, "data-mentions": "1"}),
    )
    objective_id = forms.TypedChoiceField(
        label="Objective", required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args: object, objectives: Iterable[tuple[int, str]] = (), **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        objective = cast(forms.TypedChoiceField, self.fields["objective_id"])
        objective.choices = [("", "No objective")] + list(objectives)


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(choices=IdeaStatus.choices)
    note = text_field(limits.IDEA_STATUS_NOTE, required=False)
