"""Turnout: how many on the roll have voted, overall, by region and by channel, from one query.

The numbers come from the roll alone (`Voter.voted`), grouped by region and channel in one
GROUP BY that the `voter_turnout` index (election, region, voted) answers without reading the
table, so the page stays fast with hundreds of thousands of voters. They say who voted, never how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from hustings.ballots.models import Channel, Voter
from hustings.elections.models import Election, Phase
from hustings.members.models import Region

__all__ = ["Line", "Turnout", "public_turnout_open", "turnout_chart", "turnout_for"]


@dataclass(frozen=True)
class Line:
    """Turnout in one part of the roll (a region, or everyone)."""

    label: str
    eligible: int
    online: int
    postal: int

    @property
    def voted(self) -> int:
        """Return how many have voted by either channel."""
        return self.online + self.postal

    def share(self, count: int) -> float:
        """Return count as a percentage of those on the roll (0 for an empty roll)."""
        return 100 * count / self.eligible if self.eligible else 0.0

    @property
    def percent(self) -> float:
        """Return turnout as a percentage of those on the roll."""
        return self.share(self.voted)

    @property
    def online_percent(self) -> float:
        """Return online votes as a percentage of those on the roll."""
        return self.share(self.online)

    @property
    def postal_percent(self) -> float:
        """Return postal votes as a percentage of those on the roll."""
        return self.share(self.postal)


@dataclass(frozen=True)
class Turnout:
    """An election's turnout at a moment: overall and region by region."""

    election: Election
    at: datetime
    overall: Line
    regions: tuple[Line, ...]


def turnout_for(election: Election, now: datetime | None = None) -> Turnout:
    """Return the election's turnout now, counted from its roll."""
    counts: dict[int, dict[str, int]] = {}
    grouped = (
        Voter.objects.filter(election=election)
        .values_list("region_id", "voted")
        .annotate(n=Count("*"))
        .order_by()
    )
    for region_id, voted, n in grouped:
        counts.setdefault(region_id, {})[voted] = n
    names = dict(Region.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    regions = tuple(
        sorted(
            (
                Line(
                    label=names[region_id],
                    eligible=sum(by_channel.values()),
                    online=by_channel.get(Channel.ONLINE, 0),
                    postal=by_channel.get(Channel.POSTAL, 0),
                )
                for region_id, by_channel in counts.items()
            ),
            key=lambda line: line.label,
        )
    )
    overall = Line(
        label="All regions",
        eligible=sum(line.eligible for line in regions),
        online=sum(line.online for line in regions),
        postal=sum(line.postal for line in regions),
    )
    return Turnout(election=election, at=now or timezone.now(), overall=overall, regions=regions)


def public_turnout_open(election: Election, now: datetime | None = None) -> bool:
    """Return whether turnout is public: once the ballot has closed."""
    return election.phase(now) in (Phase.COUNT, Phase.RESULTS)


# The chart: one stacked bar per region (online, then postal) out of those on the roll. The page
# gives the same numbers in a table; the stylesheet's colours go in presentation attributes,
# since the CSP forbids inline styles.
_WIDTH = 670
_LABEL = 220
_VALUE = 64
_ROW = 28
_BAR = 18
_TOP = 28
_BOTTOM = 12
_ONLINE = "#a5002a"
_POSTAL = "#4a4a55"
_TRACK = "#e8e8ec"
_INK = "#1b1b1f"


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def turnout_chart(turnout: Turnout, *, ident: str = "turnout-chart") -> SafeString:
    """Return turnout by region as an SVG image: online and postal shares of the roll, stacked."""
    lines = [turnout.overall, *turnout.regions]
    plot = _WIDTH - _LABEL - _VALUE
    height = _TOP + _ROW * len(lines) + _BOTTOM
    rows = []
    for index, line in enumerate(lines):
        y = _TOP + index * _ROW
        online = round(plot * line.online_percent / 100)
        postal = round(plot * line.postal_percent / 100)
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                _LABEL - 8,
                y + _BAR - 4,
                _INK,
                line.label,
                _LABEL,
                y,
                plot,
                _BAR,
                _TRACK,
                _LABEL,
                y,
                online,
                _BAR,
                _ONLINE,
                _LABEL + online,
                y,
                postal,
                _BAR,
                _POSTAL,
                _LABEL + plot + 6,
                y + _BAR - 4,
                _INK,
                _percent(line.percent),
            )
        )
    legend = format_html(
        '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="15" fill="{}">online</text>'
        '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="15" fill="{}">by post</text>',
        _LABEL,
        _ONLINE,
        _LABEL + 18,
        _INK,
        _LABEL + 90,
        _POSTAL,
        _LABEL + 108,
        _INK,
    )
    description = "; ".join(
        f"{line.label}: {_percent(line.percent)} ({line.online:,} online, {line.postal:,} by post, "
        f"of {line.eligible:,})"
        for line in lines
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-size="14" '
        'font-family="system-ui, sans-serif">'
        '<title id="{}-title">Turnout by region</title><desc id="{}-desc">{}.</desc>{}{}</svg>',
        _WIDTH,
        height,
        ident,
        ident,
        ident,
        ident,
        description,
        legend,
        mark_safe("".join(rows)),  # each row was built by format_html, which escaped it
    )
