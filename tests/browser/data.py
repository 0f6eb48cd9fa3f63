"""A small election shaped like the demo, built with the factories."""

from __future__ import annotations

from dataclasses import dataclass

from hustings.accounts.models import User
from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest, Election, Phase
from tests import factories

STATEMENTS = (
    "I have organised in my branch for ten years. I will take members' motions to the committee "
    "and report back after every meeting.",
    "Our party wins when local parties are strong. I will fight for money and staff to go to "
    "the regions, not head office.",
    "Housing is the issue I hear about on every doorstep. I will make sure our policy is bold.",
)


@dataclass
class Demo:
    """The objects a walk through the site needs."""

    election: Election
    national: Contest
    regional: Contest
    slate: Slate
    candidacies: list[Candidacy]
    member: User
    candidate: User


def build() -> Demo:
    """Create one election in nominations with a national and a regional contest and a slate."""
    north_west = factories.make_region(name="North West", code="north-west")
    unit = factories.make_unit(north_west, name="Manchester Withington")
    election = factories.make_election(
        Phase.NOMINATIONS, name="NEC and NPF elections 2026", slug="nec-2026"
    )
    national = factories.make_contest(
        election,
        name="NEC CLP section",
        slug="nec-clp",
        seats=6,
        method="block",
        min_women=3,
        statement_word_limit=50,
    )
    regional = factories.make_contest(
        election, region=north_west, name="NPF North West", slug="npf-north-west", seats=5
    )
    names = ("Aisha Rahman", "Tom Pritchard", "Morag Campbell")
    candidacies = [
        factories.make_candidacy(
            national,
            factories.make_member(unit, with_user=True, name=name, gender="woman"),
            statement=statement,
            links=[{"label": "Website", "url": "https://example.org/"}],
        )
        for name, statement in zip(names, STATEMENTS, strict=True)
    ]
    slate = factories.make_slate(
        election, *candidacies[:2], name="Grassroots Left", slug="grassroots-left"
    )
    member = factories.member(unit, name="Priya Shah", email="priya@example.org")
    candidate = candidacies[0].member.user
    assert candidate is not None
    return Demo(election, national, regional, slate, candidacies, member, candidate)
