"""What the voter guide shows, loaded in a fixed number of queries whatever the number of candidates.

Who the guide shows in a contest follows the timetable: every standing candidate while nominations
run; after the close, those who reached the threshold; once the returning officer has confirmed the
ballot, exactly the candidates on it (and still standing). One definition, `shown_candidacies`,
serves the contest guide, the comparison, slates' recommendations and the representation view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hustings.candidates.models import Candidacy, CandidacyQuerySet, Slate
from hustings.candidates.public import current_slate_prefetch, slate_of
from hustings.elections.models import Contest, Election
from hustings.guide.text import excerpt
from hustings.members.models import Member, Region
from hustings.nominations.actions import surname_key
from hustings.nominations.models import BallotConfirmation, BallotEntry, Nomination
from hustings.nominations.queries import threshold_statuses

__all__ = [
    "Card",
    "CompareRefused",
    "ContestGuide",
    "RegionLine",
    "Representation",
    "by_nominations",
    "by_surname",
    "compare_cards",
    "contest_guide",
    "representation",
    "shown_candidacies",
]

EXCERPT_WORDS = 60
MIN_COMPARED = 2
MAX_COMPARED = 4


def shown_candidacies() -> CandidacyQuerySet:
    """Return the standing candidacies the guide shows, by the stage of each one's contest."""
    on_ballot = Exists(BallotEntry.objects.filter(candidacy=OuterRef("pk")))
    confirmed = Q(contest__ballot__isnull=False) & Q(on_ballot)
    still_open = Q(contest__ballot__isnull=True, contest__election__closure__isnull=True)
    closed = Q(
        contest__ballot__isnull=True,
        contest__election__closure__isnull=False,
        threshold_result__met=True,
    )
    return Candidacy.objects.standing().filter(confirmed | still_open | closed)


@dataclass(frozen=True)
class Card:
    """One candidate as the guide shows them: every candidate gets exactly these fields."""

    candidacy: Candidacy
    slate: Slate | None
    units: int
    affiliates: int
    # The place on the confirmed ballot paper; None for every card until the ballot is confirmed.
    position: int | None
    excerpt: str
    excerpt_cut: bool

    @property
    def pk(self) -> int:
        """Return the candidacy's id."""
        return self.candidacy.pk

    @property
    def name(self) -> str:
        """Return the candidate's name."""
        return self.candidacy.member.name

    @property
    def member(self) -> Member:
        """Return the candidate's register entry (unit and region loaded)."""
        return self.candidacy.member


def by_surname(card: Card) -> tuple[str, str, str]:
    """Return the sort key of alphabetical order by surname, as the ballot paper uses it."""
    return (*surname_key(card.name), card.member.membership_number)


def by_nominations(card: Card) -> tuple[int, int, str, str, str]:
    """Return the sort key of most unit (then affiliate) nominations first, ties by surname."""
    return (-card.units, -card.affiliates, *by_surname(card))


@dataclass(frozen=True)
class ContestGuide:
    """A contest's candidates in neutral order, and what fixed that order."""

    contest: Contest
    cards: list[Card]
    ballot: BallotConfirmation | None
    closed: bool

    @property
    def neutral_order(self) -> str:
        """Return the default order's name: "ballot" once the ballot is confirmed, else "name"."""
        return "ballot" if self.ballot is not None else "name"


def contest_guide(contest: Contest) -> ContestGuide:
    """Return the contest's shown candidates as cards, in ballot-paper or surname order."""
    ballot = BallotConfirmation.objects.filter(contest=contest).first()
    closed = hasattr(contest.election, "closure") if ballot is None else True
    candidacies = list(
        shown_candidacies()
        .filter(contest=contest)
        .with_people()
        .prefetch_related(current_slate_prefetch())
    )
    positions: dict[int, int] = {}
    if ballot is not None:
        positions = dict(ballot.entries.values_list("candidacy_id", "position"))
    counts = {c.pk: (units, affiliates) for c, units, affiliates, _ in threshold_statuses(contest)}
    cards = []
    for candidacy in candidacies:
        text, cut = excerpt(candidacy.statement, EXCERPT_WORDS)
        units, affiliates = counts.get(candidacy.pk, (0, 0))
        cards.append(
            Card(
                candidacy=candidacy,
                slate=slate_of(candidacy),
                units=units,
                affiliates=affiliates,
                position=positions.get(candidacy.pk),
                excerpt=text,
                excerpt_cut=cut,
            )
        )
    cards.sort(key=by_surname)
    if ballot is not None:
        cards.sort(key=lambda card: positions[card.pk])
    return ContestGuide(contest=contest, cards=cards, ballot=ballot, closed=closed)


class CompareRefused(Exception):
    """A comparison that cannot be shown, with the reason in words for the reader."""


def compare_cards(guide: ContestGuide, raw_ids: Sequence[str]) -> list[Card]:
    """Return the chosen candidates' cards in the guide's neutral order, or refuse the choice."""
    chosen: list[int] = []
    for raw in raw_ids:
        try:
            pk = int(raw)
        except ValueError:
            raise CompareRefused(f"“{raw[:40]}” is not a candidate number.") from None
        if pk not in chosen:
            chosen.append(pk)
    if len(chosen) < MIN_COMPARED:
        had = "none" if not chosen else "only one"
        raise CompareRefused(
            f"Choose at least {MIN_COMPARED} candidates to compare; you chose {had}."
        )
    if len(chosen) > MAX_COMPARED:
        raise CompareRefused(
            f"Choose at most {MAX_COMPARED} candidates to compare at once; you chose {len(chosen)}."
        )
    cards = {card.pk: card for card in guide.cards}
    for pk in chosen:
        if pk not in cards:
            raise CompareRefused(
                f"Candidate number {pk} is not a candidate in {guide.contest.name}; "
                "only candidates in the same contest can be compared."
            )
    return [card for card in guide.cards if card.pk in chosen]


# -- Representation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionLine:
    """One region's members and eligible voters against its candidates and their nominations."""

    region: Region | None
    members: int
    eligible: int
    candidates: int
    nominations: int


@dataclass(frozen=True)
class Representation:
    """Every region's line, and the totals the shares are taken of."""

    lines: list[RegionLine]
    total: RegionLine
    contest: Contest | None
    at: datetime

    def share(self, line: RegionLine, measure: str) -> float:
        """Return the line's percentage of the total for a measure (0 when the total is 0)."""
        whole: int = getattr(self.total, measure)
        return 100.0 * getattr(line, measure) / whole if whole else 0.0


def representation(election: Election, contest: Contest | None = None) -> Representation:
    """Return, per region, members, eligible voters, candidates and nominations received."""
    paid_up = election.paid_up_date()
    eligible = Q(joined_on__lte=election.voters_joined_by, paid_until__gte=paid_up)
    # One GROUP BY per table: the register (both member measures in one pass), candidacies and
    # nominations. Units, not regions, are joined, so the register scan needs no region join.
    register = {
        row["unit__region_id"]: (row["members"], row["eligible"])
        for row in Member.objects.order_by()
        .values("unit__region_id")
        .annotate(members=Count("pk"), eligible=Count("pk", filter=eligible))
    }
    candidacies = shown_candidacies().filter(contest__election=election)
    nominations = Nomination.objects.counting().filter(contest__election=election)
    if contest is not None:
        candidacies = candidacies.filter(contest=contest)
        nominations = nominations.filter(contest=contest)
    standing = dict(
        candidacies.order_by()
        .values("member__unit__region_id")
        .annotate(n=Count("pk"))
        .values_list("member__unit__region_id", "n")
    )
    received = dict(
        nominations.order_by()
        .values("candidacy__member__unit__region_id")
        .annotate(n=Count("pk"))
        .values_list("candidacy__member__unit__region_id", "n")
    )
    lines = []
    for region in Region.objects.order_by("name"):
        members, voters = register.get(region.pk, (0, 0))
        lines.append(
            RegionLine(
                region=region,
                members=members,
                eligible=voters,
                candidates=standing.get(region.pk, 0),
                nominations=received.get(region.pk, 0),
            )
        )
    total = RegionLine(
        region=None,
        members=sum(line.members for line in lines),
        eligible=sum(line.eligible for line in lines),
        candidates=sum(line.candidates for line in lines),
        nominations=sum(line.nominations for line in lines),
    )
    return Representation(lines=lines, total=total, contest=contest, at=timezone.now())
