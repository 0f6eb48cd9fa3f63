"""The representation chart: each region's share of members, candidates and nominations, as SVG.

Drawn on the server, so it needs no script; one image with a title and a description, and every
bar carries its measure's name and value in text, so colour is never the only cue. The page gives
the same numbers as a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hustings.guide.queries import Representation

WIDTH = 640
LABEL_WIDTH = 150
VALUE_WIDTH = 170
BAR_HEIGHT = 14
BAR_GAP = 4
REGION_GAP = 16
HEADING = 20
TOP = 8

INK = "#1b1b1f"


@dataclass(frozen=True)
class Measure:
    """One bar in each region's group: which number, what it is called, its colour."""

    field: str
    label: str
    colour: str


# Colours from the stylesheet, each at least 3:1 against white (WCAG 1.4.11, graphics).
MEASURES = (
    Measure("members", "members", "#4a4a55"),
    Measure("candidates", "candidates", "#a5002a"),
    Measure("nominations", "nominations", "#0b4fa3"),
)


def region_chart(data: Representation, *, ident: str) -> SafeString:
    """Return the chart of each region's shares as an SVG image."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group = HEADING + len(MEASURES) * (BAR_HEIGHT + BAR_GAP) + REGION_GAP
    height = TOP + group * max(len(data.lines), 1)
    parts: list[SafeString] = []
    for index, line in enumerate(data.lines):
        top = TOP + index * group
        name = line.region.name if line.region else "No region"
        parts.append(
            format_html(
                '<text x="0" y="{}" font-weight="700" fill="{}">{}</text>', top + 14, INK, name
            )
        )
        for row, measure in enumerate(MEASURES):
            y = top + HEADING + row * (BAR_HEIGHT + BAR_GAP)
            share = data.share(line, measure.field)
            length = round(plot * share / 100)
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" fill="{}">{}% ({})</text>',
                    LABEL_WIDTH - 8,
                    y + BAR_HEIGHT - 2,
                    INK,
                    measure.label,
                    LABEL_WIDTH,
                    y,
                    length,
                    BAR_HEIGHT,
                    measure.colour,
                    LABEL_WIDTH + length + 6,
                    y + BAR_HEIGHT - 2,
                    INK,
                    f"{share:.1f}",
                    getattr(line, measure.field),
                )
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart representation-chart" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" font-size="13" '
        'font-family="system-ui, sans-serif"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        ident,
        ident,
        ident,
        "Each region's share of members, candidates and nominations",
        ident,
        describe(data),
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def describe(data: Representation) -> str:
    """Return the chart's numbers as sentences, for its description."""
    if not data.lines:
        return "There are no regions on the register."
    sentences = [
        f"{line.region.name if line.region else 'No region'}: "
        + ", ".join(
            f"{data.share(line, measure.field):.1f}% of {measure.label}" for measure in MEASURES
        )
        for line in data.lines
    ]
    return ". ".join(sentences) + "."
