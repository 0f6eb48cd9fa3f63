"""Read-only questions about nominations, for the public tally, the unit and candidate pages, CSV.

Every count here uses the same selection the close uses (`Nomination.objects.counting()`): current
returns only, standing candidates only, declined nominations left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest, Election
from hustings.members.models import Region, Unit
from hustings.nominations import rules
from hustings.nominations.models import (
    AffiliateNomination,
    Nomination,
    ThresholdResult,
    UnitReturn,
)

__all__ = [
    "CandidateTally",
    "UnitLine",
    "candidate_nominations",
    "contest_tally",
    "contest_threshold",
    "nominating_units",
    "region_breakdown",
    "tally_csv_rows",
    "threshold_statuses",
    "unit_returns",
]


def contest_threshold(contest: Contest) -> rules.Threshold:
    """Return the contest's threshold as the rules module reads it."""
    return rules.Threshold(
        kind=contest.threshold_kind,
        units=contest.threshold_units,
        other_units=contest.threshold_other_units,
        other_regions=contest.threshold_other_regions,
        affiliates=contest.affiliate_nominations_needed if contest.affiliates_may_nominate else 0,
    )


@dataclass
class CandidateTally:
    """One candidate's line on a contest's tally."""

    candidacy: Candidacy
    units: int
    affiliates: int
    status: rules.ThresholdStatus
    # Set once nominations have closed: the status fixed then, which this line then shows.
    closed: bool = False
    slate: Slate | None = None
    by_region: dict[int, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Return the candidate's name."""
        return self.candidacy.member.name


def _standing(contest: Contest) -> list[Candidacy]:
    return list(
        Candidacy.objects.standing()
        .filter(contest=contest)
        .select_related("member__unit__region")
        .order_by("member__name", "pk")
    )


def _counting_units(contest: Contest) -> dict[int, set[rules.NominatingUnit]]:
    units: dict[int, set[rules.NominatingUnit]] = defaultdict(set)
    rows = (
        Nomination.objects.counting()
        .filter(contest=contest)
        .values_list("candidacy_id", "unit__code", "unit__region__code")
    )
    for candidacy_id, unit, region in rows:
        units[candidacy_id].add(rules.NominatingUnit(unit, region))
    return units


def _counting_affiliates(contest: Contest) -> Counter[int]:
    return Counter(
        AffiliateNomination.objects.counting()
        .filter(contest=contest)
        .values_list("candidacy_id", flat=True)
    )


def threshold_statuses(
    contest: Contest,
) -> list[tuple[Candidacy, int, int, rules.ThresholdStatus]]:
    """Return each standing candidate with their unit and affiliate counts and status now."""
    threshold = contest_threshold(contest)
    units = _counting_units(contest)
    affiliates = _counting_affiliates(contest)
    out = []
    for candidacy in _standing(contest):
        home = rules.NominatingUnit(candidacy.member.unit.code, candidacy.member.unit.region.code)
        status = rules.threshold_status(
            threshold,
            home=home,
            units=units.get(candidacy.pk, ()),
            affiliates=affiliates[candidacy.pk],
        )
        out.append((candidacy, len(units.get(candidacy.pk, ())), affiliates[candidacy.pk], status))
    return out


def contest_tally(contest: Contest) -> list[CandidateTally]:
    """Return the tally for a contest: most unit nominations first, then by name."""
    fixed = {
        result.candidacy_id: result
        for result in ThresholdResult.objects.filter(candidacy__contest=contest)
    }
    slates: dict[int, Slate] = {}
    for candidacy in (
        Candidacy.objects.standing()
        .filter(
            contest=contest,
            slate_memberships__confirmed_at__isnull=False,
            slate_memberships__ended_at__isnull=True,
        )
        .prefetch_related("slate_memberships__slate")
    ):
        for membership in candidacy.slate_memberships.all():
            if membership.confirmed_at is not None and membership.ended_at is None:
                slates[candidacy.pk] = membership.slate
    regions = region_breakdown(contest)
    lines = []
    for candidacy, units, affiliates, status in threshold_statuses(contest):
        result = fixed.get(candidacy.pk)
        if result is not None:
            status = rules.ThresholdStatus(result.met, result.reason)
        lines.append(
            CandidateTally(
                candidacy=candidacy,
                units=units,
                affiliates=affiliates,
                status=status,
                closed=result is not None,
                slate=slates.get(candidacy.pk),
                by_region=regions.get(candidacy.pk, {}),
            )
        )
    lines.sort(key=lambda line: (-line.units, -line.affiliates, line.name.casefold()))
    return lines


def region_breakdown(contest: Contest) -> dict[int, dict[int, int]]:
    """Return {candidacy pk: {region pk: counting unit nominations from that region}}."""
    breakdown: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Nomination.objects.counting()
        .filter(contest=contest)
        .values_list("candidacy_id", "unit__region_id")
    )
    for candidacy_id, region_id in rows:
        breakdown[candidacy_id][region_id] = breakdown[candidacy_id].get(region_id, 0) + 1
    return dict(breakdown)


@dataclass
class UnitLine:
    """One unit's current return in a contest, as the tally lists it."""

    unit: Unit
    unit_return: UnitReturn
    nominations: list[Nomination]


def nominating_units(contest: Contest) -> list[UnitLine]:
    """Return every unit with a current return in the contest, by region then unit name."""
    returns = (
        UnitReturn.objects.filter(contest=contest, superseded_at__isnull=True)
        .select_related("unit__region")
        .prefetch_related("nominations__candidacy__member")
        .order_by("unit__region__name", "unit__name")
    )
    return [
        UnitLine(
            unit=r.unit,
            unit_return=r,
            nominations=sorted(r.nominations.all(), key=lambda n: n.candidacy.member.name),
        )
        for r in returns
    ]


def unit_returns(unit: Unit, election: Election | None = None) -> list[UnitReturn]:
    """Return a unit's current returns (with their nominations), contest by contest."""
    returns = UnitReturn.objects.filter(unit=unit, superseded_at__isnull=True)
    if election is not None:
        returns = returns.filter(contest__election=election)
    return list(
        returns.select_related("contest__election")
        .prefetch_related("nominations__candidacy__member")
        .order_by("contest__election", "contest__position", "contest__name")
    )


def candidate_nominations(
    candidacy: Candidacy,
) -> tuple[list[Nomination], list[AffiliateNomination]]:
    """Return the current unit and standing affiliate nominations of a candidacy, to answer."""
    units = list(
        Nomination.objects.current()
        .filter(candidacy=candidacy)
        .select_related("unit__region", "unit_return")
        .order_by("unit__name")
    )
    affiliates = list(
        AffiliateNomination.objects.filter(candidacy=candidacy, withdrawn_at__isnull=True)
        .select_related("affiliate")
        .order_by("affiliate__name")
    )
    return units, affiliates


CSV_HEADER = ("candidate", "slate", "unit_nominations", "affiliate_nominations", "status", "reason")


def tally_csv_rows(contest: Contest) -> list[tuple[str, ...]]:
    """Return the tally as CSV rows, the header first, then one row per candidate and region."""
    regions = list(Region.objects.order_by("name"))
    header = CSV_HEADER + tuple(region.name for region in regions)
    rows: list[tuple[str, ...]] = [header]
    for line in contest_tally(contest):
        rows.append(
            (
                line.name,
                line.slate.name if line.slate else "",
                str(line.units),
                str(line.affiliates),
                "threshold met" if line.status.met else "short of threshold",
                line.status.reason,
                *(str(line.by_region.get(region.pk, 0)) for region in regions),
            )
        )
    return rows
