"""A slate's recommendation, worded from its confirmed candidates and the contest's method.

Slates do not write their own recommendation here: the wording follows from who confirmed a place
on the slate and how the contest is counted, and the page labels it as the slate's, not ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest, Method
from hustings.guide.queries import shown_candidacies
from hustings.nominations.actions import surname_key
from hustings.nominations.models import BallotEntry

NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def in_words(n: int) -> str:
    """Return a small number in words (as style guides ask up to ten), a larger one in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def listed(names: Sequence[str]) -> str:
    """Return names as an English list: "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def wording(method: str, seats: int, names: Sequence[str]) -> str:
    """Return what a slate with these candidates recommends, by the contest's counting method."""
    n = len(names)
    if n == 0:
        raise ValueError("a slate with no candidates in a contest recommends nothing there")
    if method == Method.BLOCK:
        if n == 1:
            return f"vote for our candidate, {names[0]}."
        if n > seats:
            return f"vote for {in_words(seats)} of our {in_words(n)}: {listed(names)}."
        return f"vote for our {in_words(n)}: {listed(names)}."
    # Every other method ranks candidates by preference (STV).
    if n == 1:
        return f"give our candidate, {names[0]}, your first preference (1)."
    return f"number our {in_words(n)} 1–{n}: {listed(names)}."


@dataclass(frozen=True)
class Recommendation:
    """A slate's recommendation in one contest."""

    slate: Slate
    contest: Contest
    names: list[str]
    text: str


def slate_recommendation(
    slate: Slate, contest: Contest, candidacies: Sequence[Candidacy]
) -> Recommendation | None:
    """Return the slate's recommendation in a contest, from its candidates the guide shows there."""
    ids = [c.pk for c in candidacies if c.contest_id == contest.pk]
    shown = set(shown_candidacies().filter(pk__in=ids).values_list("pk", flat=True))
    kept = [c for c in candidacies if c.pk in shown]
    if not kept:
        return None
    positions = dict(
        BallotEntry.objects.filter(candidacy__in=kept).values_list("candidacy_id", "position")
    )
    # Ballot-paper order once there is one, so the list reads as the paper does; else by surname.
    kept.sort(key=lambda c: (positions.get(c.pk, 0), *surname_key(c.member.name)))
    names = [c.member.name for c in kept]
    return Recommendation(slate, contest, names, wording(contest.method, contest.seats, names))
