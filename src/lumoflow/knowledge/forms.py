"""Forms of the wiki and article pages (the actions check everything again)."""

from __future__ import annotations

from django import forms

from lumoflow.core import limits
from lumoflow.core.forms import text_field


class WikiPageForm(forms.Form):
    title = text_field(limits.WIKI_TITLE)
    slug = text_field(
        limits.WIKI_SLUG,
        required=False,
        help_text="Unique in the workspace; made from the title when left empty.",
    )
    parent_id = forms.TypedChoiceField(
        label="Parent page", coerce=int, required=False, empty_value=None
    )
    body = text_field(
        limits.WIKI_BODY,
        label="Text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown. Link another page with [[Page title]].",
    )
    summary = text_field(limits.REVISION_SUMMARY, required=False, label="What changed (optional)")
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, parents: list[tuple[int, str]] = (), **kw: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["parent_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— none (top level) —"), *parents]


class ArticleForm(forms.Form):
    title = text_field(limits.ARTICLE_TITLE)
    summary = text_field(
        limits.ARTICLE_SUMMARY,
        required=False,
        label="Cover summary",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = text_field(limits.ARTICLE_BODY, label="Text", widget=forms.Textarea(attrs={"rows": 18}))
    publish = forms.BooleanField(
        required=False, label="Publish now (to the workspace and its followers' feeds)"
    )


class CommentForm(forms.Form):
    body = text_field(
        limits.post_body(), label="Your comment", widget=forms.Textarea(attrs={"rows": 3})
    )
