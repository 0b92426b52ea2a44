"""`{% unread_notifications %}`: the signed-in person's unread count (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from lumoflow.notifications.queries import unread_count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count_for(user) if user is not None else 0
