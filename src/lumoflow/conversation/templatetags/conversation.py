"""`{% post_cards cards %}`: render post cards (see `conversation.cards`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from lumoflow.conversation.cards import options_for, render_cards

register = template.Library()


@register.simple_tag(takes_context=True)
def post_cards(context: Any, cards: Any, **kw: Any) -> SafeString:
    """Cards for `cards`; flags (show_workspace, can_react, can_accept, can_facilitate,
    accepted_id) come from keyword arguments, else from the template context."""
    names = ("show_workspace", "can_react", "can_accept", "can_facilitate", "accepted_id")
    flags = {n: kw.get(n, context.get(n)) for n in names}
    flags = {k: v for k, v in flags.items() if v is not None}
    flags = {k: (bool(v) if k != "accepted_id" else v) for k, v in flags.items()}
    return render_cards(cards, options_for(context["request"], **flags))
