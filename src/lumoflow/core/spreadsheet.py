"""CSV files people open in a spreadsheet: cells that a spreadsheet would run as a formula are
escaped, so an exported name such as ``=HYPERLINK(...)`` stays text."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection)."""


def safe_cell(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would run it as a formula.

    >>> safe_cell("=1+1"), safe_cell("-x"), safe_cell("mia"), safe_cell(None)
    ("'=1+1", "'-x", 'mia', '')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """An attachment `filename` holding `header` then `rows`, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
