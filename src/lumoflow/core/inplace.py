"""Actions in place: the answers an action's view gives to htmx.

A form marked with `hx-post` is sent by htmx; the view answers as it does without JavaScript (a
redirect to the page that shows the change), htmx follows the redirect and swaps only the
fragment named by `hx-select` out of that page. So the fragment comes from the very template,
card code and cache that build the full page, and a person without JavaScript gets the same
page by a plain redirect.

A refused form is the one case that differs: swapping the page in would throw away what was
typed, so htmx gets the messages alone, put in the page's message area (`#messages`), and the
form stays as it was. The names of files refused go with it (`lumoflow:refused-files`) for
`lumoflow/app.js` to take them off the form, leaving the others attached.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string


def is_htmx(request: Any) -> bool:
    """Whether htmx sent the request (it always sets `HX-Request: true`)."""
    return bool(request.headers.get("HX-Request") == "true")


@dataclass(frozen=True)
class _Note:
    text: str
    tags: str = "error"

    def __str__(self) -> str:
        return self.text


def refused(
    request: Any, lines: Sequence[str], back: str, *, files: Iterable[str] = ()
) -> HttpResponse:
    """Answer a refused form: without JavaScript, `lines` as messages and a redirect to `back`;
    in place, the messages alone for the page's message area (`files`: the refused files'
    names as the browser sent them)."""
    if not is_htmx(request):
        for line in lines:
            messages.error(request, line)
        return redirect(back)
    notes = [_Note(line) for line in lines]
    response = HttpResponse(render_to_string("_messages.html", {"messages": notes}))
    response["HX-Retarget"] = "#messages"
    response["HX-Reswap"] = "outerHTML"
    names = sorted(set(files))
    if names:  # JSON escapes every non-ASCII character, so the header stays Latin-1
        response["HX-Trigger"] = json.dumps({"lumoflow:refused-files": {"names": names}})
    return response
