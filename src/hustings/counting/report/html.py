"""The count as one self-contained HTML page: the sheet, a chart of the totals, the signature.

Inline CSS and inline SVG only: no scripts, fonts, images or links to fetch, so the page can be
published or archived as a single file. Every name and note is escaped. The chart has a title and
a description for screen readers, and the count sheet table above it carries the same figures.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from hustings.counting.report._sheet import (
    Row,
    figure,
    rows,
    signed,
    stage_heading,
    summary,
    total_after,
    transfers_votes,
)
from hustings.counting.result import CountResult

__all__ = ["html_report"]

# Okabe-Ito and Tol's bright and muted sets: distinguishable with common colour-blindness; each
# line also gets its own dash pattern and marker once the colours run out.
_COLOURS = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
    "#117733", "#332288", "#AA4499", "#44AA99", "#999933", "#661100", "#6699CC", "#888888",
)  # fmt: skip
_DASHES = ("", "6 3", "2 3", "8 3 2 3")
_MARKERS = ("circle", "square", "diamond", "triangle")

_CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #c8c8c8; --band: #f4f4f4;
  --elected: #e7f3ea; --excluded: #f7eceb; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; margin: 0 0 1rem; line-height: 1.2; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.75rem; border-bottom: 1px solid var(--rule); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
ol.elected li { margin: 0.15rem 0; }
.scroll { overflow-x: auto; border: 1px solid var(--rule); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: max-content;
  min-width: 100%; }
caption { text-align: left; padding: 0.5rem; font-weight: 600; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--rule); white-space: nowrap; }
thead th { background: var(--band); vertical-align: bottom; text-align: right; }
thead th:first-child { text-align: left; }
thead th.stage { text-align: center; border-left: 1px solid var(--rule); white-space: normal;
  min-width: 8rem; font-weight: 600; }
thead th.stage span { display: block; font-weight: 400; font-size: 0.85em; color: var(--muted); }
th[scope=row] { text-align: left; font-weight: 500; position: sticky; left: 0; background: #fff; }
td { text-align: right; }
td.total { font-weight: 600; }
td.first, th.first { border-left: 1px solid var(--rule); }
td.transfer { color: var(--muted); }
tr.elected th[scope=row] { background: var(--elected); }
td.elected-here { background: var(--elected); }
td.excluded-here { background: var(--excluded); }
tbody.summary th, tbody.summary td { background: var(--band); }
.badge { font-size: 0.8em; font-weight: 600; margin-left: 0.4rem; }
figure { margin: 0; }
figcaption { color: var(--muted); margin-top: 0.5rem; }
svg.chart { width: 100%; height: auto; max-height: 36rem; }
svg text { font: 13px system-ui, sans-serif; fill: var(--ink); }
ul.legend { list-style: none; padding: 0; columns: 16rem auto; margin: 0.75rem 0 0; }
ul.legend li { break-inside: avoid; margin: 0.15rem 0; }
ul.legend svg { vertical-align: middle; margin-right: 0.4rem; }
ol.stages li { margin: 0 0 0.75rem; }
ol.stages p { margin: 0.2rem 0 0; color: var(--muted); }
.signature { margin-top: 3rem; display: grid; grid-template-columns: 1fr 1fr; gap: 2.5rem; }
.signature div { border-top: 1px solid var(--ink); padding-top: 0.3rem; }
@media print { main { max-width: none; padding: 0; } .scroll { overflow: visible; border: 0; }
  h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
"""


def html_report(result: CountResult) -> str:
    """Return the count as a complete, self-contained HTML page."""
    title = f"Count sheet: {result.title}" if result.title else "Count sheet"
    candidates = rows(result)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{escape(title)}</h1>",
        _facts(result),
        _result(result, candidates),
        _table(result, candidates),
        _chart(result, candidates),
        _stages(result),
        _ties(result),
        _signature(),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _facts(result: CountResult) -> str:
    items = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in summary(result)
    )
    return f'<dl class="facts">{items}</dl>'


def _result(result: CountResult, candidates: list[Row]) -> str:
    if not result.elected:
        return "<h2>Result</h2><p>Nobody was elected.</p>"
    stage_of = {row.name: row.elected_at for row in candidates}
    items = "".join(
        f"<li>{escape(name)}"
        + (f" (stage {stage_of[name]})" if stage_of.get(name) is not None else "")
        + "</li>"
        for name in result.elected
    )
    return (
        f"<h2>Result</h2><p>Elected ({len(result.elected)} of {result.seats} seats), in order "
        f'of election:</p><ol class="elected">{items}</ol>'
    )


def _table(result: CountResult, candidates: list[Row]) -> str:
    stages = result.stages
    head_top = ['<th scope="col" rowspan="2">Candidate</th>']
    head_sub = []
    for stage in stages:
        span = 1 if stage.action == "first-preferences" else 2
        head_top.append(
            f'<th scope="colgroup" colspan="{span}" class="stage">Stage {stage.number}'
            f"<span>{escape(stage_heading(stage, result.method))}</span></th>"
        )
        if span == 2:
            head_sub.append('<th scope="col" class="first">Transfer</th><th scope="col">Total</th>')
        else:
            head_sub.append('<th scope="col" class="first">Total</th>')
    body = []
    for row in candidates:
        cells = []
        for stage in stages:
            total = stage.totals.get(row.name)
            shown = figure(total) if total is not None else "–"
            css = "total"
            badge = ""
            if row.name in stage.elected:
                css += " elected-here"
                badge = '<span class="badge">elected</span>'
            elif row.name in stage.excluded:
                css += " excluded-here"
                badge = '<span class="badge">excluded</span>'
            if stage.action != "first-preferences":
                cells.append(
                    f'<td class="transfer first">{signed(stage.transfers.get(row.name))}</td>'
                )
                cells.append(f'<td class="{css}">{shown}{badge}</td>')
            else:
                cells.append(f'<td class="{css} first">{shown}{badge}</td>')
        marker = ' class="elected"' if row.place is not None else ""
        body.append(f'<tr{marker}><th scope="row">{escape(row.name)}</th>{"".join(cells)}</tr>')
    summary_rows: list[tuple[str, list[tuple[str, str]]]] = []
    if transfers_votes(result):
        summary_rows.append(
            (
                "Non-transferable",
                [(signed(st.transfers.get("")), figure(st.non_transferable)) for st in stages],
            )
        )
    summary_rows.append(("Total", [("", figure(total_after(st))) for st in stages]))
    if any(st.quota is not None for st in stages):
        summary_rows.append(("Quota", [("", figure(st.quota)) for st in stages]))
    foot = []
    for label, values in summary_rows:
        cells = []
        for stage, (moved, after) in zip(stages, values, strict=True):
            if stage.action != "first-preferences":
                cells.append(
                    f'<td class="transfer first">{moved}</td><td class="total">{after}</td>'
                )
            else:
                cells.append(f'<td class="total first">{after}</td>')
        foot.append(f'<tr><th scope="row">{label}</th>{"".join(cells)}</tr>')
    return (
        '<h2 id="sheet">Count sheet</h2><div class="scroll" tabindex="0" role="region" '
        'aria-labelledby="sheet"><table><caption>Each candidate\'s votes after every stage, '
        "with the votes transferred at that stage</caption>"
        f"<thead><tr>{''.join(head_top)}</tr><tr>{''.join(head_sub)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody>"
        f'<tbody class="summary">{"".join(foot)}</tbody></table></div>'
    )


def _nice_step(top: float) -> float:
    """Return a round step for about five gridlines up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return float(magnitude * factor)
    return float(magnitude * 10)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - 3.2:.1f}" y="{y - 3.2:.1f}" width="6.4" height="6.4" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y:.1f}L{x:.1f} {y + 4.5:.1f}'
            f'L{x - 4.5:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    return (
        f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y + 3.5:.1f}L{x - 4.5:.1f} {y + 3.5:.1f}Z" '
        f'fill="{colour}"/>'
    )


def _style(index: int) -> tuple[str, str, str]:
    colour = _COLOURS[index % len(_COLOURS)]
    dash = _DASHES[(index // len(_COLOURS)) % len(_DASHES)]
    shape = _MARKERS[(index // len(_COLOURS) + index) % len(_MARKERS)]
    return colour, dash, shape


def _chart(result: CountResult, candidates: list[Row]) -> str:
    stages = result.stages
    # Coordinates only: the figures themselves stay exact in the table; floats merely place ink.
    values = [
        float(stage.totals.get(row.name, Decimal(0))) for stage in stages for row in candidates
    ]
    quotas = [float(s.quota) for s in stages if s.quota is not None]
    top = max([*values, *quotas, 1.0])
    step = _nice_step(top)
    ceiling = step * (int(top / step) + (0 if top % step == 0 else 1))
    left, right, upper, lower = 80.0, 24.0, 24.0, 56.0
    width, height = 880.0, 460.0
    plot_w, plot_h = width - left - right, height - upper - lower

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if len(stages) == 1 else plot_w * i / (len(stages) - 1))

    def y_at(value: float) -> float:
        return upper + plot_h * (1 - value / ceiling)

    description = (
        f"Line chart of each candidate's votes after each of the {len(stages)} stages of the "
        f"count, from 0 to {ceiling:g} votes"
        + (", with the quota as a dashed line" if quotas else "")
        + ". Elected: "
        + (", ".join(result.elected) or "nobody")
        + ". The count sheet table gives the same figures."
    )
    svg = [
        f'<svg class="chart" viewBox="0 0 {width:g} {height:g}" role="img" '
        'aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Votes for each candidate at each stage</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    tick = 0.0
    while tick <= ceiling + 1e-9:
        y = y_at(tick)
        svg.append(
            f'<line x1="{left:g}" x2="{width - right:g}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        svg.append(f'<text x="{left - 8:g}" y="{y + 4:.1f}" text-anchor="end">{tick:,.0f}</text>')
        tick += step
    for i, stage in enumerate(stages):
        x = x_at(i)
        svg.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{upper + plot_h:g}" y2="{upper + plot_h + 5:g}" '
            'stroke="#1a1a1a"/>'
        )
        svg.append(
            f'<text x="{x:.1f}" y="{upper + plot_h + 20:g}" text-anchor="middle">{stage.number}</text>'
        )
    svg.append(
        f'<line x1="{left:g}" x2="{width - right:g}" y1="{upper + plot_h:g}" y2="{upper + plot_h:g}" '
        'stroke="#1a1a1a"/>'
        f'<line x1="{left:g}" x2="{left:g}" y1="{upper:g}" y2="{upper + plot_h:g}" stroke="#1a1a1a"/>'
    )
    svg.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10:g}" text-anchor="middle">Stage</text>'
    )
    svg.append(
        f'<text transform="translate(18 {upper + plot_h / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">Votes</text>'
    )
    if quotas:
        points = " ".join(
            f"{x_at(i):.1f},{y_at(float(s.quota)):.1f}"
            for i, s in enumerate(stages)
            if s.quota is not None
        )
        svg.append(
            f'<polyline points="{points}" fill="none" stroke="#444444" stroke-width="1.5" '
            'stroke-dasharray="4 4"><title>Quota</title></polyline>'
        )
        last_quota = float(next(s.quota for s in reversed(stages) if s.quota is not None))
        svg.append(
            f'<text x="{width - right:g}" y="{y_at(last_quota) - 6:.1f}" text-anchor="end">'
            "Quota</text>"
        )
    legend = []
    for index, row in enumerate(candidates):
        colour, dash, shape = _style(index)
        line = [
            (x_at(i), y_at(float(stage.totals.get(row.name, Decimal(0)))))
            for i, stage in enumerate(stages)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        weight = "3" if row.place is not None else "1.75"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f"<g><title>{escape(row.name)} ({row.outcome})</title>")
        svg.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{weight}"'
            f"{dash_attr}/>"
        )
        svg.extend(_marker(shape, x, y, colour) for x, y in line)
        svg.append("</g>")
        swatch = (
            '<svg width="34" height="12" aria-hidden="true" focusable="false">'
            f'<line x1="1" x2="33" y1="6" y2="6" stroke="{colour}" stroke-width="{weight}"'
            f"{dash_attr}/>{_marker(shape, 17, 6, colour)}</svg>"
        )
        legend.append(f"<li>{swatch}{escape(row.name)} ({row.outcome})</li>")
    svg.append("</svg>")
    return (
        '<h2 id="chart">Votes at each stage</h2><figure aria-labelledby="chart">'
        + "".join(svg)
        + f'<ul class="legend">{"".join(legend)}</ul>'
        + "<figcaption>Each line follows one candidate's votes from stage to stage; thicker "
        'lines are the elected candidates. The <a href="#sheet">count sheet</a> gives every '
        "figure exactly.</figcaption></figure>"
    )


def _stages(result: CountResult) -> str:
    items = "".join(
        f"<li><strong>{escape(stage_heading(stage, result.method))}</strong>"
        + (f"<p>{escape(stage.note)}</p>" if stage.note else "")
        + "</li>"
        for stage in result.stages
    )
    return f'<h2>Stages</h2><ol class="stages">{items}</ol>'


def _ties(result: CountResult) -> str:
    if result.tie_breaks:
        items = "".join(
            f"<li>Stage {t.stage}, {escape(t.purpose)}: {escape(', '.join(t.candidates))} were "
            f"tied; <strong>{escape(t.chosen)}</strong> was chosen by {escape(t.by)}."
            + (f" {escape(t.note)}" if t.note else "")
            + "</li>"
            for t in result.tie_breaks
        )
        body = f"<ul>{items}</ul>"
    else:
        body = "<p>No ties had to be broken.</p>"
    if result.seed is None:
        return f"<h2>Ties</h2>{body}"
    return (
        f"<h2>Ties</h2>{body}<p>Any decision by lot is drawn from the seed "
        f"<code>{result.seed}</code>; the same seed draws the same.</p>"
    )


def _signature() -> str:
    return (
        "<p>I declare this to be a true count of the votes cast.</p>"
        '<div class="signature"><div>Returning officer</div><div>Date</div></div>'
    )
