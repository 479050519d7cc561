"""The house style of every chart (reports, indicators): fonts, print-friendly colours, PNG for Word and SVG for
PDF and the web.

Figures are built with matplotlib's object API (no pyplot state), so builds in parallel workers do not share
anything. Colours differ in lightness as well as hue, so a black-and-white print reads.
"""

import io
from collections.abc import Callable
from typing import Any

import matplotlib
from django.utils.translation import get_language
from matplotlib.figure import Figure

from .stamped import stamped

matplotlib.use("Agg")
# Liberation Serif (Times New Roman's metrics; version 2, fonts-liberation2, has every Vietnamese glyph), then DejaVu
# Serif: a family list, not the generic "serif", so a glyph missing from the first is drawn from the next.
matplotlib.rcParams.update({
    "font.family": ["Liberation Serif", "DejaVu Serif"],
    "font.size": 9,
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
})

COLORS = {"completed": "#1b5e20", "awaiting": "#1e88e5", "in_progress": "#f9a825", "not_started": "#bdbdbd"}


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure as a file: "png" (150 dpi, for Word) or "svg" (for PDF and the web)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None, bbox_inches="tight")
    return buffer.getvalue()


# Bump when a drawing changes, so entries drawn by the old code are not served.
CHART_STYLE = 1
CHART_SECONDS = 24 * 3600


def chart_cached(name: str, stamp: Any, fmt: str, draw: Callable[[], bytes]) -> bytes:
    """A drawn chart from the default cache (CACHES["default"]), else drawn and stored for a day.

    The key is the chart's name, the format, the language and a digest of `stamp`: everything the drawing reads
    (the points, totals and dates drawn, so also the cut-off day). A write that changes a figure changes the stamp,
    hence the key: a stale chart is never served, whether the cache is this process's memory or shared between
    processes and machines, and nothing has to be deleted (old entries expire). See ADR 0015."""
    return stamped(f"chart:{name}:{fmt}:{get_language() or ''}", (CHART_STYLE, stamp), draw, seconds=CHART_SECONDS)
