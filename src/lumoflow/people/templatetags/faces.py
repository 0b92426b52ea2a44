"""`{% face person %}` (and `{% face person "large" %}`): a person's photo or initials."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from lumoflow.people.faces import face_html

register = template.Library()


@register.simple_tag
def face(person: Any, size: str = "small") -> SafeString:
    return mark_safe(face_html(person, size=size))  # noqa: S308 (every value escaped)
