"""A contest for guide tests whose surname, first-name, id and nomination orders all differ."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import reverse

from hustings.candidates.actions import do_withdraw_candidacy
from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Contest, Election, Phase
from hustings.members.models import Region, Unit
from hustings.nominations.actions import do_record_unit_nominations
from tests.factories import (
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    make_region,
    make_slate,
    make_unit,
)
from tests.nominations.scenario import meeting

# (name, gender, region, slate, unit nominations): created in this order, so ids follow it.
PEOPLE = (
    ("Zara Adams", "woman", "north", "left", 0),
    ("Adam Young", "man", "wales", None, 3),
    ("Beth Morgan", "non-binary", "wales", "left", 2),
    ("Chris Evans", "man", "north", "right", 1),
)


@dataclass
class GuideScene:
    """An election in its nominations phase with one national contest of four candidates.

    A fifth candidate ("Dan Absent", whose surname would sort first) has withdrawn, and another
    contest of the same election has a candidate of its own (`other`).
    """

    election: Election
    contest: Contest
    regions: dict[str, Region]
    units: dict[str, list[Unit]]
    slates: dict[str, Slate]
    people: dict[str, Candidacy] = field(default_factory=dict)
    withdrawn: Candidacy | None = None
    other: Candidacy | None = None

    def by_surname(self) -> list[str]:
        """Return the standing candidates' names in surname order, as written out by hand."""
        return ["Zara Adams", "Chris Evans", "Beth Morgan", "Adam Young"]

    def url(self, **params: str) -> str:
        """Return the contest guide's address, with a query string if given."""
        base = reverse("guide:contest", args=[self.election.slug, self.contest.slug])
        if not params:
            return base
        return base + "?" + "&".join(f"{key}={value}" for key, value in params.items())

    def compare_url(self, *candidacies: Candidacy | int | str) -> str:
        """Return the address comparing these candidacies (or raw values)."""
        base = reverse("guide:compare", args=[self.election.slug, self.contest.slug])
        values = [str(c.pk if isinstance(c, Candidacy) else c) for c in candidacies]
        return base + "?" + "&".join(f"c={value}" for value in values)


def build(phase: Phase = Phase.NOMINATIONS, **contest_fields: object) -> GuideScene:
    """Create the scene, with each candidate's unit nominations recorded."""
    election = make_election(phase, name="NEC elections", slug="nec")
    regions = {
        "north": make_region(name="North", code="north"),
        "wales": make_region(name="Wales", code="wales"),
    }
    units = {
        code: [make_unit(region, name=f"{region.name} unit {i}") for i in range(4)]
        for code, region in regions.items()
    }
    contest_fields.setdefault("seats", 3)
    contest_fields.setdefault("method", "scottish-stv")
    contest = make_contest(election, name="NEC CLP section", slug="clp", **contest_fields)
    scene = GuideScene(election, contest, regions, units, slates={})
    for name, gender, region, _, _ in PEOPLE:
        member = make_member(units[region][0], with_user=True, name=name, gender=gender)
        scene.people[name] = make_candidacy(
            contest, member, statement=f"{name} will put members first."
        )
    for key, title in (("left", "Members Left"), ("right", "Members Right")):
        names = [person[0] for person in PEOPLE if person[3] == key]
        scene.slates[key] = make_slate(
            election, *(scene.people[name] for name in names), name=title, slug=key
        )
    # Unit i nominates every candidate with more than i nominations: counts as in PEOPLE.
    all_units = units["north"] + units["wales"]
    for i in range(3):
        chosen = [scene.people[p[0]] for p in PEOPLE if p[4] > i]
        do_record_unit_nominations(None, all_units[i + 1], contest, chosen, meeting=meeting())
    gone = make_candidacy(
        contest, make_member(units["north"][1], with_user=True, name="Dan Absent")
    )
    do_withdraw_candidacy(None, gone)
    scene.withdrawn = gone
    elsewhere = make_contest(election, name="Women's officer", slug="women")
    scene.other = make_candidacy(elsewhere, make_member(units["north"][2], name="Olive Other"))
    return scene


def card_names(html: str) -> list[str]:
    """Return the names on the guide's cards, in page order."""
    return re.findall(r'<h3 id="card-\d+"><a [^>]*>([^<]+)</a></h3>', html)
