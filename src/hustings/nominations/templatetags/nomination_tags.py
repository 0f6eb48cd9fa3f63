"""Template tags for the nomination pages: a server-rendered SVG bar chart, readable without script.

The chart is a picture of numbers the page also gives as a table, so it is one image with a title
and a description for assistive technology; screen reader users read the table instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 56
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 28
BOTTOM = 12
LABEL_CHARACTERS = 26

# The stylesheet's colours; SVG presentation attributes, since the CSP forbids inline styles.
BAR = "#a5002a"
BAR_SHORT = "#4a4a55"
INK = "#1b1b1f"
LINE = "#1d6b36"


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label and a whole number."""

    label: str
    value: int


def _short(label: str) -> str:
    # Long names would run into the bars; the table beside the chart gives them in full.
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _scale(bars: Sequence[Bar], threshold: int | None) -> int:
    return max([1, threshold or 0, *(bar.value for bar in bars)])


def render_bar_chart(
    bars: Sequence[Bar], *, title: str, description: str, ident: str, threshold: int | None = None
) -> SafeString:
    """Return a horizontal bar chart as an SVG image with its own title and description."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = _scale(bars, threshold)
    height = TOP + ROW_HEIGHT * max(len(bars), 1) + BOTTOM
    rows = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        length = round(plot * max(bar.value, 0) / scale)
        reached = threshold is None or bar.value >= threshold
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 4,
                INK,
                _short(bar.label),
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                BAR if reached else BAR_SHORT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT - 4,
                INK,
                bar.value,
            )
        )
    marker = SafeString("")
    if threshold:
        x = LABEL_WIDTH + round(plot * threshold / scale)
        marker = format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="4 3"></line>'
            '<text x="{}" y="{}" text-anchor="middle" fill="{}">Threshold: {}</text>',
            x,
            TOP - 6,
            x,
            height - BOTTOM,
            LINE,
            x,
            TOP - 10,
            LINE,
            threshold,
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-size="14" '
        'font-family="system-ui, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        description,
        mark_safe("".join(rows)),  # each row was built by format_html, which escaped it
        marker,
    )


def describe(bars: Sequence[Bar], threshold: int | None) -> str:
    """Return the chart's numbers as one sentence, for its description."""
    if not bars:
        return "No nominations yet."
    parts = "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
    if threshold:
        reached = sum(1 for bar in bars if bar.value >= threshold)
        return f"{parts}. {reached} of {len(bars)} have reached the threshold of {threshold}."
    return parts + "."


@register.simple_tag
def bar_chart(
    items: Iterable[Any],
    *,
    label: str,
    value: str,
    title: str,
    ident: str,
    threshold: int | None = None,
) -> SafeString:
    """Render items as a bar chart, reading each bar's label and number from the named attributes."""
    bars = [Bar(str(_read(item, label)), int(_read(item, value))) for item in items]
    return render_bar_chart(
        bars, title=title, description=describe(bars, threshold), ident=ident, threshold=threshold
    )


def _read(item: Any, name: str) -> Any:
    found = item
    for part in name.split("."):
        found = found[part] if isinstance(found, dict) else getattr(found, part)
    return found() if callable(found) else found
