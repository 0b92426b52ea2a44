"""A digest as an e-mail: a plain-text part and an HTML part whose charts are PNG images
attached inline (`cid:`), every link absolute, and the one-click unsubscribe headers
(RFC 2369 `List-Unsubscribe`, RFC 8058 `List-Unsubscribe-Post`).

Structure: multipart/related [ multipart/alternative [text/plain, text/html], image/png … ],
so clients that show HTML find the images by Content-ID and the others read the text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from email.mime.image import MIMEImage
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from lumoflow.charts.render import text_alternative, to_png
from lumoflow.notifications import queries as notification_queries

from .content import Contents, absolute
from .schedule import WEEKLY, Period, covered

#: Draws a chart spec as PNG; a sending run passes one that remembers what it drew.
Drawer = Callable[[dict[str, Any]], bytes]


class DigestMessage(EmailMultiAlternatives):
    """The text and HTML alternatives and the images they show, as one related whole."""

    mixed_subtype = "related"


def memo_drawer() -> Drawer:
    """A drawer that draws each distinct chart once for the run that holds it (the owners of
    one workspace get the same chart); dropped with the run."""
    drawn: dict[str, bytes] = {}

    def draw(spec: dict[str, Any]) -> bytes:
        key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
        if key not in drawn:
            drawn[key] = to_png(spec)
        return drawn[key]

    return draw


def subject_of(contents: Contents, period: Period) -> str:
    start, end = covered(period)
    if contents.digest == WEEKLY:
        n = len(contents.workspaces)
        fading = sum(1 for w in contents.workspaces if w.verdict == "fading")
        alerts = sum(len(w.alerts) for w in contents.workspaces)
        parts = [f"{n} workspace{'s' * (n != 1)}"]
        if fading:
            parts.append(f"{fading} fading")
        if alerts:
            parts.append(f"{alerts} open alert{'s' * (alerts != 1)}")
        return f"Your workspaces in the week of {start:%-d %B}: {', '.join(parts)}"
    return f"The organisation's workspaces in {start:%B %Y}: {len(contents.fading)} fading"


def build_message(contents: Contents, period: Period, *, draw: Drawer = to_png) -> DigestMessage:
    """The e-mail of one person's digest (not sent)."""
    person = contents.person
    token = notification_queries.unsubscribe_token(person.pk, contents.digest)
    unsubscribe = absolute(reverse("conversation:notifications:unsubscribe", args=[token]))
    images: list[tuple[str, bytes]] = []

    def image(spec: dict[str, Any] | None) -> dict[str, str] | None:
        if spec is None:
            return None
        cid = f"chart{len(images) + 1}@lumoflow"
        images.append((cid, draw(spec)))
        return {"cid": cid, "alt": text_alternative(spec)[0]}

    start, end = covered(period)
    context = {
        "c": contents,
        "name": person.name,
        "start": start,
        "end": end,
        "period": period,
        "unsubscribe_url": unsubscribe,
        "profile_url": absolute(reverse("people:profile")),
        "home_url": absolute("/"),
        "news": [(w, image(w.chart)) for w in contents.workspaces],
        "chart": image(contents.chart),
    }
    template = f"measure/digest/{contents.digest}"
    msg = DigestMessage(
        subject=subject_of(contents, period),
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": make_msgid(domain="lumoflow"),
        },
    )
    msg.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for cid, png in images:
        part = MIMEImage(png, "png")
        part.add_header("Content-ID", f"<{cid}>")
        part.add_header("Content-Disposition", "inline", filename=cid.split("@")[0] + ".png")
        msg.attach(part)
    return msg
