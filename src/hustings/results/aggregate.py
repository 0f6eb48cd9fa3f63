"""Turn a contest's stored votes into the counting library's compressed ballot profile.

Identical ballots are grouped by the database (`GROUP BY ranking`), so a contest with a million
votes reaches Python as one row per distinct ranking with its number of voters, never as a row per
ballot. Candidates appear in ballot-paper order, which is also their order in the published files.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db.models import Count as CountRows

from hustings.ballots.models import PostalBatch, Vote
from hustings.counting import CountError, Profile
from hustings.elections.models import Contest, Election
from hustings.nominations.models import BallotEntry

__all__ = [
    "Candidate",
    "ContestBallots",
    "aggregate_contest",
    "ballot_list",
    "spoilt_papers",
]

# The attribute columns of the published attributes file, in order.
ATTRIBUTES = ("gender",)


@dataclass(frozen=True)
class Candidate:
    """One candidate as the count knows them: their candidacy, unique name and attributes."""

    candidacy_id: int
    name: str
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class ContestBallots:
    """A contest's ballots ready to count: the candidates in paper order and the profile."""

    contest: Contest
    candidates: tuple[Candidate, ...]
    profile: Profile
    #: Votes recorded in this contest, blank ones included.
    ballots: int
    #: Votes that chose nobody in this contest.
    blank: int

    def index_of(self, candidacy_id: int) -> int:
        """Return the candidate's 0-based position in the profile."""
        for index, candidate in enumerate(self.candidates):
            if candidate.candidacy_id == candidacy_id:
                return index
        raise CountError(f"candidacy {candidacy_id} is not on the ballot for {self.contest}")

    def candidacy_id(self, name: str) -> int:
        """Return the candidacy id of the candidate with this name in the profile."""
        for candidate in self.candidates:
            if candidate.name == name:
                return candidate.candidacy_id
        raise CountError(f"no candidate named {name!r} in {self.contest}")


def ballot_list(contest: Contest) -> tuple[Candidate, ...]:
    """Return the contest's confirmed candidates in ballot-paper order, with unique names."""
    entries = list(
        BallotEntry.objects.filter(ballot__contest=contest)
        .select_related("candidacy__member")
        .order_by("position")
    )
    if not entries:
        raise CountError(
            f"{contest.name}: the ballot list was never confirmed, so nothing to count"
        )
    names = [entry.candidacy.member.name.strip() for entry in entries]
    candidates = []
    for entry, name in zip(entries, names, strict=True):
        # Two members may share a name; the files need unique ones, so repeated names say which.
        label = name if names.count(name) == 1 else f"{name} (#{entry.candidacy_id})"
        member = entry.candidacy.member
        candidates.append(
            Candidate(
                candidacy_id=entry.candidacy_id,
                name=label,
                attributes={attribute: member.attribute(attribute) for attribute in ATTRIBUTES},
            )
        )
    return tuple(candidates)


def aggregate_contest(contest: Contest, *, withdrawn: Collection[int] = ()) -> ContestBallots:
    """Return the contest's ballots grouped by ranking, with `withdrawn` candidacy ids withdrawn."""
    candidates = ballot_list(contest)
    index = {candidate.candidacy_id: i for i, candidate in enumerate(candidates)}
    rows = (
        Vote.objects.filter(contest=contest)
        .values_list("ranking")
        .annotate(n=CountRows("*"))
        .order_by()
    )
    counts: dict[tuple[int, ...], int] = {}
    ballots = blank = 0
    for ranking, n in rows:
        ballots += n
        if not ranking:
            blank += n
            counts[()] = counts.get((), 0) + n
            continue
        try:
            key = tuple(index[int(part)] for part in ranking.split(","))
        except (KeyError, ValueError):
            raise CountError(
                f"{contest.name}: {n} stored vote(s) {ranking!r} name a candidacy that is not on "
                "the confirmed ballot list"
            ) from None
        counts[key] = counts.get(key, 0) + n
    for candidacy_id in withdrawn:
        if candidacy_id not in index:
            raise CountError(f"{contest.name}: candidacy {candidacy_id} is not on the ballot")
    profile = Profile.from_counts(
        [candidate.name for candidate in candidates],
        counts,
        seats=contest.seats,
        title=f"{contest.election.name}: {contest.name}",
        withdrawn=[index[candidacy_id] for candidacy_id in withdrawn],
    ).canonical()
    return ContestBallots(
        contest=contest, candidates=candidates, profile=profile, ballots=ballots, blank=blank
    )


def spoilt_papers(election: Election) -> int:
    """Return how many returned postal papers were rejected as spoilt."""
    total = 0
    for rejections in PostalBatch.objects.filter(election=election).values_list(
        "rejections", flat=True
    ):
        for rejection in rejections or []:
            if str(rejection.get("reason", "")).startswith("spoilt"):
                total += 1
    return total
