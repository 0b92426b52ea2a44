"""A small demo company generated once per module (120 people, 6 months up to a fixed day)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

UNTIL = date(2026, 10, 30)
SMALL = {"people": 120, "months": 6, "seed": 11}


@pytest.fixture(scope="module")
def small_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Generate the demo through the actions layer; wipe it when the module is done."""
    from django.core.management import call_command

    from lumoflow.demo.generate import DemoOptions, generate

    with django_db_blocker.unblock():
        result = generate(DemoOptions(**SMALL, password="demo-test-pass"), until=UNTIL)
        try:
            yield result.summary
        finally:
            call_command("flush", interactive=False, verbosity=0)
