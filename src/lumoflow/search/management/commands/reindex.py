"""Rebuild the search index from scratch, with a progress bar on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from lumoflow.search import reindex


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index from every post, reply, person and workspace, in "
        "one transaction (searches see the old index until it is done)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        from tqdm import tqdm

        terminal = sys.stderr.isatty()
        bar = tqdm(desc="reindex", unit=" doc", file=sys.stderr, disable=not terminal)

        def total(n: int) -> None:
            bar.total = n
            bar.refresh()

        started = time.perf_counter()
        written = reindex.rebuild(on_total=total, progress=bar.update)
        bar.close()
        took = time.perf_counter() - started
        parts = ", ".join(f"{n:,} {name}" for name, n in written.items())
        self.stdout.write(f"Indexed {sum(written.values()):,} documents ({parts}) in {took:.1f} s.")
