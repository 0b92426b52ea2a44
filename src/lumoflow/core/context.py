"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

import lumoflow


def site(request: HttpRequest) -> dict[str, object]:
    """Give templates the product version."""
    return {"lumoflow_version": lumoflow.__version__}
