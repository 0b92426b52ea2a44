"""The report as one self-contained HTML file, or as a PDF drawn from that HTML by WeasyPrint.

Charts are the chart functions' specs rendered to SVG by vl-convert (`charts.to_svg`) and put
inline, each with its sentence and table: no second chart code. The HTML file loads nothing
(styles inline, no script, no image files); its links go to the product (`LUMOFLOW_BASE_URL`).

The PDF uses fonts shipped with the product, not the system's, so it looks the same on every
machine: DejaVu Sans from the npm package `dejavu-fonts-ttf` that `make` installs
(`node_modules/`), declared with `@font-face`; the charts' font names are mapped to DejaVu Sans
Condensed (close to the charts' Liberation Sans metrics, with which vl-convert measured them).
WeasyPrint needs Pango from the system (`libpango-1.0-0`, `libpangoft2-1.0-0`); without it,
or without the fonts, `pdf_bytes` raises `ReportUnavailable` with what to install.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from lumoflow.charts import inline_svg, text_alternative, to_svg
from lumoflow.core.errors import LumoFlowError
from lumoflow.people.models import Viewer

from ..digests.content import absolute
from .content import Report, verdict_words

#: Where `make` installs the report's fonts (npm package `dejavu-fonts-ttf`).
FONT_DIR = Path(settings.REPO_DIR) / "node_modules" / "dejavu-fonts-ttf" / "ttf"
FONTS = {
    ("LumoFlow Report", "normal", "normal"): "DejaVuSans.ttf",
    ("LumoFlow Report", "bold", "normal"): "DejaVuSans-Bold.ttf",
    ("LumoFlow Report", "normal", "italic"): "DejaVuSans-Oblique.ttf",
    # the charts name these fonts (charts.style.FONT): drawn in the narrower DejaVu face
    ("Liberation Sans", "normal", "normal"): "DejaVuSansCondensed.ttf",
    ("Liberation Sans", "bold", "normal"): "DejaVuSansCondensed-Bold.ttf",
    ("Arial", "normal", "normal"): "DejaVuSansCondensed.ttf",
    ("Arial", "bold", "normal"): "DejaVuSansCondensed-Bold.ttf",
}


class ReportUnavailable(LumoFlowError):
    """The PDF cannot be drawn on this machine (a system library or the fonts are missing)."""

    status = 503
    type_slug = "report-unavailable"
    title = "The PDF report is not available"


def _chart(spec: dict[str, Any] | None, anchor: str) -> dict[str, Any] | None:
    if spec is None:
        return None
    sentence, columns, rows = text_alternative(spec)
    caption = f"chart-{anchor}"
    return {
        "svg": inline_svg(to_svg(spec), caption),
        "caption_id": caption,
        "sentence": sentence,
        "columns": columns,
        "rows": rows,
    }


def context(report: Report, *, pdf: bool) -> dict[str, Any]:
    """What the template shows: the report, its charts drawn, the links made absolute."""
    p = report.portfolio
    a = p.assumptions
    acted = []
    for i, x in enumerate(report.acted):
        spec = x.view.chart
        if spec is not None and spec.get("width") == "container":  # sized for the page's column
            spec = {**spec, "width": 560}
        acted.append({"acted": x, "chart": _chart(spec, f"acted-{i}")})
    return {
        "r": report,
        "p": p,
        "rows": [{"row": r, "words": verdict_words(r.verdict)} for r in p.rows],
        "mgs": settings.LUMOFLOW_MIN_GROUP_SIZE,
        "a": a,
        "pdf": pdf,
        "fonts": _font_faces() if pdf else "",
        "counts_chart": _chart(report.counts_chart, "counts"),
        "network_chart": _chart(report.network_chart, "network"),
        "acted": acted,
        "health_url": absolute("/workspaces/{}/health"),
        "portfolio_url": absolute("/org"),
        "base_url": absolute(""),
        "title": title(report),
    }


def title(report: Report) -> str:
    """The report's title (the PDF's too): LumoFlow report — Q3 2026."""
    what = report.workspace.name if report.workspace is not None else "the organisation"
    return f"LumoFlow report on {what} — {report.period.label}"


def html(report: Report, *, pdf: bool = False) -> str:
    """The report as one HTML document (for the PDF: with the fonts and page rules)."""
    return render_to_string("measure/report.html", context(report, pdf=pdf))


def _font_faces() -> str:
    missing = [f for f in set(FONTS.values()) if not (FONT_DIR / f).is_file()]
    if missing:
        raise ReportUnavailable(
            f"The report's fonts are missing from {FONT_DIR} ({', '.join(sorted(missing))}): "
            "run `make setup` (it installs the npm package dejavu-fonts-ttf)."
        )
    return "\n".join(
        f"@font-face {{ font-family: '{family}'; font-weight: {weight}; font-style: {style}; "
        f"src: url('{(FONT_DIR / file).as_uri()}'); }}"
        for (family, weight, style), file in FONTS.items()
    )


def pdf_bytes(report: Report) -> bytes:
    """The report as a PDF (WeasyPrint), with the product's fonts."""
    document = html(report, pdf=True)
    try:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # Pango (a system library) is missing
        raise ReportUnavailable(
            "The PDF report needs Pango, a system library that is not installed here "
            f"({exc}): install libpango-1.0-0 and libpangoft2-1.0-0 (Debian/Ubuntu), or "
            "ask for --format html."
        ) from exc
    fonts = FontConfiguration()
    out: bytes = HTML(string=document, base_url=str(FONT_DIR)).write_pdf(font_config=fonts)
    return out


def render(report: Report, fmt: str) -> bytes:
    """The report's bytes in `fmt` ("pdf" or "html")."""
    return pdf_bytes(report) if fmt == "pdf" else html(report).encode()


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` with `content`: written to a temporary file in the same folder, then
    renamed over it, so a reader never sees half a file and a failure leaves nothing behind."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_file(
    viewer: Viewer, period_text: str, fmt: str, *, workspace_id: int | None = None
) -> tuple[bytes, str, str]:
    """(content, file name, content type) of the report a person downloads: the period as
    typed (default: the last complete quarter; Invalid when bad), executives only."""
    from django.utils import timezone

    from .content import report_for
    from .period import last_complete_quarter, parse_period

    today = timezone.now().astimezone(dt.UTC).date()
    period = parse_period(period_text or last_complete_quarter(today), today=today)
    report = report_for(viewer, period, workspace_id=workspace_id)
    name = f"lumoflow-report-{period.slug}.{fmt}"
    kind = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return render(report, fmt), name, kind
