"""Server-rendered SVG charts of a result: block-vote bars and STV totals across the stages.

Pure functions: figures in, an SVG string out, with every name escaped. Each chart is one image with
a title and a description for assistive technology; the page beside it gives the same figures as a
table, which is what a screen reader user reads. Colours come from the stylesheet's palette and are
set as SVG presentation attributes, because the site's content security policy forbids inline
styles. Winners are never marked by colour alone: their bars carry the word "elected".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

__all__ = [
    "Line",
    "VoteBar",
    "block_chart",
    "describe_block",
    "describe_stages",
    "legend_swatch",
    "stages_chart",
]

# The same measures and colours as the nominations tally chart, so results read alike.
WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 130
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 12
BOTTOM = 12
LABEL_CHARACTERS = 26
FONT = 'font-size="14" font-family="system-ui, sans-serif"'

BAR_ELECTED = "#a5002a"
BAR_OTHER = "#4a4a55"
INK = "#1b1b1f"
GRID = "#c9c9d2"
QUOTA = "#1d6b36"

# Okabe-Ito's palette, distinguishable with the common colour-blindnesses; once the colours run
# out each line also changes its dash pattern and marker, so no two lines look the same.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a4b00", "#56B4E9", "#000000", "#882255")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class VoteBar:
    """One candidate's votes in a block vote, and whether they were elected."""

    label: str
    votes: int
    elected: bool


@dataclass(frozen=True)
class Line:
    """One candidate's total at every stage of an STV count."""

    label: str
    totals: tuple[Decimal, ...]
    elected: bool


def _short(label: str) -> str:
    # Long names would run into the bars; the table beside the chart gives them in full.
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _ident(ident: str) -> str:
    if not ident or not all(ch.isalnum() or ch in "-_" for ch in ident):
        raise ValueError(f"chart ident {ident!r}: use letters, digits, '-' and '_' only")
    return ident


def _svg_open(ident: str, width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="result-chart" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def describe_block(bars: Sequence[VoteBar]) -> str:
    """Return a block-vote chart's figures as sentences, for its description."""
    if not bars:
        return "No candidates."
    parts = "; ".join(
        f"{bar.label}: {bar.votes:,} votes{', elected' if bar.elected else ''}" for bar in bars
    )
    winners = [bar.label for bar in bars if bar.elected]
    return f"{parts}. Elected: {', '.join(winners) or 'nobody'}."


def block_chart(bars: Sequence[VoteBar], *, title: str, ident: str) -> str:
    """Return a horizontal bar chart of each candidate's votes, the winners marked, as SVG."""
    ident = _ident(ident)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = max([1, *(bar.votes for bar in bars)])
    height = TOP + ROW_HEIGHT * max(len(bars), 1) + BOTTOM
    rows = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        length = round(plot * max(bar.votes, 0) / scale)
        colour = BAR_ELECTED if bar.elected else BAR_OTHER
        figure = f"{bar.votes:,}" + (" ✓ elected" if bar.elected else "")
        weight = ' font-weight="700"' if bar.elected else ""
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" text-anchor="end" '
            f'fill="{INK}"{weight}>{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT - 4}" fill="{INK}"'
            f"{weight}>{escape(figure)}</text>"
        )
    axis = (
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - BOTTOM + 4}" '
        f'stroke="{INK}" stroke-width="1"></line>'
    )
    return (
        _svg_open(ident, WIDTH, height, title, describe_block(bars))
        + "".join(rows)
        + axis
        + "</svg>"
    )


# -- STV: each candidate's total across the stages ----------------------------------------------

CHART_WIDTH = 720
CHART_HEIGHT = 400
LEFT, RIGHT, UPPER, LOWER = 70, 20, 20, 50


def _step(top: float) -> float:
    """Return a round gridline step giving about five lines up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / 5
    magnitude = 1.0
    while magnitude * 10 <= raw:
        magnitude *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _style(index: int) -> tuple[str, str, str]:
    colour = PALETTE[index % len(PALETTE)]
    round_ = index // len(PALETTE)
    return colour, DASHES[round_ % len(DASHES)], MARKERS[(round_ + index) % len(MARKERS)]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"></circle>'
    if shape == "square":
        return (
            f'<rect x="{x - 3.2:.1f}" y="{y - 3.2:.1f}" width="6.4" height="6.4" '
            f'fill="{colour}"></rect>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y:.1f}L{x:.1f} {y + 4.5:.1f}'
            f'L{x - 4.5:.1f} {y:.1f}Z" fill="{colour}"></path>'
        )
    return (
        f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y + 3.5:.1f}'
        f'L{x - 4.5:.1f} {y + 3.5:.1f}Z" fill="{colour}"></path>'
    )


def describe_stages(lines: Sequence[Line], stages: Sequence[int], quota: Decimal | None) -> str:
    """Return a stage chart's gist as sentences, for its description."""
    winners = [line.label for line in lines if line.elected]
    parts = [
        f"Line chart of each candidate's votes after each of the {len(stages)} stages of the count."
    ]
    if quota is not None:
        parts.append(f"The quota of {format(quota, 'f')} votes is drawn as a dashed line.")
    parts.append(f"Elected: {', '.join(winners) or 'nobody'}.")
    parts.append("The count sheet table gives every figure.")
    return " ".join(parts)


def stages_chart(
    lines: Sequence[Line],
    *,
    stages: Sequence[int],
    quotas: Sequence[Decimal | None],
    title: str,
    ident: str,
) -> str:
    """Return a line chart of each candidate's total at every stage, with the quota, as SVG."""
    ident = _ident(ident)
    if len(quotas) != len(stages) or any(len(line.totals) != len(stages) for line in lines):
        raise ValueError("every line and the quotas need exactly one value per stage")
    # Floats only place the ink; the exact figures are in the table beside the chart.
    values = [float(v) for line in lines for v in line.totals]
    values += [float(q) for q in quotas if q is not None]
    top = max([*values, 1.0])
    step = _step(top)
    ceiling = step * -(-top // step)
    plot_w = CHART_WIDTH - LEFT - RIGHT
    plot_h = CHART_HEIGHT - UPPER - LOWER

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if len(stages) == 1 else plot_w * i / (len(stages) - 1))

    def y_at(value: float) -> float:
        return UPPER + plot_h * (1 - value / ceiling)

    last_quota = next((q for q in reversed(quotas) if q is not None), None)
    out = [
        _svg_open(
            ident, CHART_WIDTH, CHART_HEIGHT, title, describe_stages(lines, stages, last_quota)
        )
    ]
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = y_at(tick)
        out.append(
            f'<line x1="{LEFT}" x2="{CHART_WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"></line>'
            f'<text x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end" fill="{INK}">'
            f"{tick:,.0f}</text>"
        )
        tick += step
    base = UPPER + plot_h
    for i, number in enumerate(stages):
        x = x_at(i)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}" stroke="{INK}"></line>'
            f'<text x="{x:.1f}" y="{base + 20}" text-anchor="middle" fill="{INK}">{number}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{CHART_WIDTH - RIGHT}" y1="{base}" y2="{base}" stroke="{INK}"></line>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{UPPER}" y2="{base}" stroke="{INK}"></line>'
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{CHART_HEIGHT - 8}" text-anchor="middle" '
        f'fill="{INK}">Stage</text>'
        f'<text transform="translate(16 {UPPER + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="{INK}">Votes</text>'
    )
    points = [(x_at(i), y_at(float(q))) for i, q in enumerate(quotas) if q is not None]
    if points:
        out.append(
            '<polyline points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + f'" fill="none" stroke="{QUOTA}" stroke-width="2" stroke-dasharray="4 4">'
            "<title>Quota</title></polyline>"
            f'<text x="{CHART_WIDTH - RIGHT}" y="{points[-1][1] - 6:.1f}" text-anchor="end" '
            f'fill="{QUOTA}">Quota</text>'
        )
    for index, line in enumerate(lines):
        colour, dash, shape = _style(index)
        at = [(x_at(i), y_at(float(v))) for i, v in enumerate(line.totals)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        outcome = "elected" if line.elected else "not elected"
        out.append(
            f"<g><title>{escape(line.label)} ({outcome})</title>"
            '<polyline points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in at)
            + f'" fill="none" stroke="{colour}" stroke-width="{3 if line.elected else 1.75}"'
            f"{dashes}></polyline>" + "".join(_marker(shape, x, y, colour) for x, y in at) + "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def legend_swatch(index: int, elected: bool) -> str:
    """Return the small line-and-marker picture that keys line `index` in a legend."""
    colour, dash, shape = _style(index)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="34" height="12" aria-hidden="true" '
        f'focusable="false"><line x1="1" x2="33" y1="6" y2="6" stroke="{colour}" '
        f'stroke-width="{3 if elected else 1.75}"{dashes}></line>'
        f"{_marker(shape, 17, 6, colour)}</svg>"
    )
