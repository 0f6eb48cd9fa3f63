"""`hustings demo` builds a mid-campaign tally, and `--stage nominations-closed` runs the close."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from hustings.audit.chain import verify_chain
from hustings.elections.models import Contest, Election, Phase
from hustings.members.models import UnitSecretary
from hustings.nominations.models import (
    AffiliateNomination,
    BallotConfirmation,
    Nomination,
    NominationsClosure,
    ThresholdResult,
    UnitReturn,
)
from hustings.nominations.queries import contest_tally

pytestmark = pytest.mark.django_db


def build(*options: str) -> str:
    out = StringIO()
    call_command("demo", "--members", "3000", "--no-photos", *options, stdout=out)
    return out.getvalue()


def test_the_demo_tally_has_candidates_well_past_the_threshold_and_some_short():
    build()
    national = Contest.objects.get(region__isnull=True)
    lines = contest_tally(national)
    needed = national.threshold_units
    assert lines[0].units >= 3 * needed
    assert any(not line.status.met for line in lines)
    assert AffiliateNomination.objects.filter(contest=national).exists()
    assert Election.objects.get().phase() == Phase.NOMINATIONS
    assert not NominationsClosure.objects.exists()
    # The secretary persona's unit is left to nominate for itself.
    secretary = UnitSecretary.objects.get()
    assert not UnitReturn.objects.filter(unit=secretary.unit).exists()
    assert verify_chain().ok


def test_every_demo_return_keeps_the_contests_rules():
    build()
    for contest in Contest.objects.all():
        for unit_return in UnitReturn.objects.filter(contest=contest).prefetch_related(
            "nominations__candidacy__member"
        ):
            nominations = list(unit_return.nominations.all())
            assert len(nominations) <= contest.max_nominations_per_unit
            if contest.region_id is not None:
                assert unit_return.unit.region_id == contest.region_id
            if (
                contest.nomination_balance_gender
                and len(nominations) == contest.max_nominations_per_unit
            ):
                women = sum(n.candidacy.member.gender == "woman" for n in nominations)
                assert 2 * women >= len(nominations)


def test_the_nominations_closed_stage_closes_and_confirms_every_ballot():
    out = build("--stage", "nominations-closed")
    election = Election.objects.get()
    assert election.phase() == Phase.BALLOT_PENDING
    assert "Nominations closed" in out
    assert NominationsClosure.objects.filter(election=election).exists()
    assert BallotConfirmation.objects.count() == Contest.objects.count()
    national = BallotConfirmation.objects.get(contest__region__isnull=True)
    on_ballot = set(national.entries.values_list("candidacy_id", flat=True))
    met = set(
        ThresholdResult.objects.filter(candidacy__contest=national.contest, met=True).values_list(
            "candidacy_id", flat=True
        )
    )
    assert on_ballot == met
    assert ThresholdResult.objects.filter(candidacy__contest=national.contest, met=False).exists()
    assert (
        Nomination.objects.filter(
            unit_return__recorded_at__gte=election.nominations_close_at
        ).count()
        == 0
    )
    assert verify_chain().ok
