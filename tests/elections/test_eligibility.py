"""Who may vote and who may stand: good standing, the freeze date, length of membership, region."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hustings.elections.models import Phase
from tests.factories import make_contest, make_election, make_member, make_region, make_unit

pytestmark = pytest.mark.django_db


def test_a_member_of_region_a_may_not_stand_or_vote_in_region_bs_contest():
    election = make_election(Phase.DECLARATIONS)
    region_a, region_b = make_region(name="North West"), make_region(name="Wales")
    member = make_member(make_unit(region_a))
    contest_b = make_contest(election, region=region_b, name="NPF — Wales")

    assert not contest_b.member_may_vote(member)
    assert not contest_b.member_may_stand(member)
    assert election.reasons_member_may_not_stand(member, contest_b) == [
        "NPF — Wales is only for members in Wales."
    ]


def test_a_member_may_stand_and_vote_in_their_own_regions_contest_and_the_national_one():
    election = make_election(Phase.DECLARATIONS)
    region = make_region()
    member = make_member(make_unit(region))

    assert make_contest(election, region=region).member_may_stand(member)
    assert make_contest(election, region=region).member_may_vote(member)
    assert make_contest(election).member_may_stand(member)


def test_membership_too_short_at_the_close_of_nominations_may_not_stand():
    election = make_election(Phase.DECLARATIONS, candidate_min_membership_days=365)
    close = election.nominations_close_date()
    contest = make_contest(election)
    short = make_member(joined_on=close - timedelta(days=364))
    exactly = make_member(joined_on=close - timedelta(days=365))

    assert exactly.membership_days(close) == 365
    assert election.member_may_stand(exactly, contest)
    assert not election.member_may_stand(short, contest)
    (reason,) = election.reasons_member_may_not_stand(short, contest)
    assert reason.startswith("Candidates must have been members for at least 365 days")


def test_a_lapsed_member_may_not_stand():
    election = make_election(Phase.DECLARATIONS)
    contest = make_contest(election)
    lapsed = make_member(paid_until=timezone.localdate() - timedelta(days=1))

    assert election.reasons_member_may_not_stand(lapsed, contest) == [
        "Your membership subscription is not paid up."
    ]


def test_a_voter_must_have_joined_by_the_freeze_date():
    freeze = timezone.localdate() - timedelta(days=100)
    election = make_election(Phase.BALLOT, voters_joined_by=freeze)

    assert election.member_may_vote(make_member(joined_on=freeze))
    assert not election.member_may_vote(make_member(joined_on=freeze + timedelta(days=1)))


def test_a_voter_must_be_paid_up_on_the_day_the_ballot_opens_unless_another_day_is_set():
    election = make_election(Phase.NOMINATIONS)
    opening = timezone.localdate(election.ballot_open_at)
    paid_to_opening = make_member(paid_until=opening)
    lapsing_before = make_member(paid_until=opening - timedelta(days=1))

    assert election.member_may_vote(paid_to_opening)
    assert not election.member_may_vote(lapsing_before)

    election.voters_paid_up_on = opening - timedelta(days=30)
    assert election.member_may_vote(lapsing_before)


def test_eligible_voters_agrees_with_member_may_vote():
    freeze = timezone.localdate() - timedelta(days=100)
    election = make_election(Phase.NOMINATIONS, voters_joined_by=freeze)
    members = [
        make_member(joined_on=freeze),
        make_member(joined_on=freeze + timedelta(days=1)),
        make_member(paid_until=None),
        make_member(paid_until=timezone.localdate(election.ballot_open_at)),
    ]

    expected = {m.pk for m in members if election.member_may_vote(m)}
    assert set(election.eligible_voters().values_list("pk", flat=True)) == expected
    assert len(expected) == 2
