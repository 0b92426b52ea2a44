"""Helpers shared by the page views: run an action and show its errors on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from lumoflow.core.errors import Invalid, LumoFlowError
from lumoflow.core.limits import TOO_LONG

T = TypeVar("T")


def errors_text(form: forms.Form) -> str:
    """A refused form's errors in one line, for a form whose page is left by a redirect.

    Each message says what to do in people's words (a field's own `error_messages`, e.g. "Enter
    the value you measured."); a message Django wrote for no particular field ("This field is
    required.") is preceded by the field's label, never by its name in the code."""
    by_field: dict[str, list[str]] = form.errors  # type: ignore[assignment]
    lines = []
    for name, msgs in by_field.items():
        field = form.fields.get(name)
        own = set(field.error_messages.values()) if field is not None else set()
        label = str(field.label or name.replace("_", " ").capitalize()) if field else ""
        for m in msgs:
            lines.append(m if name == "__all__" or m in own else f"{label}: {m}")
    return " ".join(lines)


def run_action(form: forms.Form, fn: Callable[[], T]) -> T | None:
    """Call `fn`; on our errors, attach them to the form (by field) and return None."""
    try:
        return fn()
    except Invalid as exc:
        if not exc.errors:
            form.add_error(None, exc.detail)
        for field, messages in exc.errors.items():
            target = field if field in form.fields else None
            for m in messages:
                form.add_error(target, m if target else (f"{field}: {m}" if field != "rows" else m))
        return None
    except LumoFlowError as exc:
        form.add_error(None, exc.detail)
        return None


def text_field(limit: int, *, empty: str | None = None, **kwargs: Any) -> forms.CharField:
    """A text field of at most `limit` characters, refused with the actions' own message; `empty`
    says in people's words what to do when it is left blank ("Write something before posting.")."""
    message = TOO_LONG.format(limit="%(limit_value)d", length="%(show_value)d")
    errors = {"max_length": message} | ({"required": empty} if empty else {})
    return forms.CharField(max_length=limit, error_messages=errors, **kwargs)


def page_number(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
