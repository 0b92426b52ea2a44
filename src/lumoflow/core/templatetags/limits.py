"""`{% limit "CHECK_IN_NOTE" %}`: a length limit of `lumoflow.core.limits` in hand-written HTML."""

from __future__ import annotations

from django import template

from lumoflow.core import limits

register = template.Library()


@register.simple_tag
def limit(name: str) -> int:
    """Return the limit called `name`; a name that is not a limit fails loudly."""
    value = getattr(limits, name, None)
    if not isinstance(value, int):
        raise template.TemplateSyntaxError(f"{name!r} is not a limit of lumoflow.core.limits.")
    return value
