"""Answering nominations, affiliates, the close with each candidate's reason, and the ballot list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.candidates.actions import do_withdraw_candidacy
from hustings.nominations.actions import (
    NominationsClosed,
    ballot_order,
    do_close_nominations,
    do_confirm_ballot,
    do_create_affiliate,
    do_record_affiliate_nomination,
    do_record_unit_nominations,
    do_respond_to_nomination,
    do_withdraw_affiliate_nomination,
)
from hustings.nominations.models import ThresholdResult
from hustings.nominations.queries import threshold_statuses
from tests.factories import make_candidacy, make_member, member, returning_officer
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def nominate(s, unit, candidacies, **kwargs):
    return do_record_unit_nominations(
        None, unit, s.contest, candidacies, meeting=meeting(), **kwargs
    )


def after_close(s):
    return s.election.nominations_close_at + timedelta(minutes=1)


def statuses(s):
    return {
        c.pk: (units, status.met, status.reason)
        for c, units, _, status in threshold_statuses(s.contest)
    }


# -- Answers -----------------------------------------------------------------------------------


def test_a_declined_nomination_no_longer_counts_and_accepting_again_restores_it():
    s = scenario(threshold_units=2)
    first = s.candidates[0]
    returns = [nominate(s, unit, [first]) for unit in s.units[1][:2]]
    assert statuses(s)[first.pk][:2] == (2, True)

    nomination = returns[0].nominations.get()
    do_respond_to_nomination(first.member.user, nomination, accept=False)
    assert statuses(s)[first.pk] == (1, False, "only 1 of 2 units")

    do_respond_to_nomination(first.member.user, nomination, accept=True)
    assert statuses(s)[first.pk][:2] == (2, True)
    assert [
        e.tag for e in AuditEvent.objects.filter(tag__startswith="nomination:").order_by("seq")
    ] == [
        tags.NOMINATION_DECLINED,
        tags.NOMINATION_ACCEPTED,
    ]


def test_only_the_candidate_may_answer_their_nomination():
    s = scenario()
    nomination = nominate(s, s.units[1][0], s.candidates[:1]).nominations.get()
    with pytest.raises(PermissionDenied):
        do_respond_to_nomination(member(), nomination, accept=False)


def test_answers_are_refused_after_the_close():
    s = scenario()
    nomination = nominate(s, s.units[1][0], s.candidates[:1]).nominations.get()
    with pytest.raises(NominationsClosed):
        do_respond_to_nomination(
            s.candidates[0].member.user, nomination, accept=False, now=after_close(s)
        )


def test_withdrawn_candidates_are_not_counted_at_all():
    s = scenario(threshold_units=1)
    nominate(s, s.units[1][0], s.candidates[:2])
    do_withdraw_candidacy(None, s.candidates[0])
    assert s.candidates[0].pk not in statuses(s)
    assert statuses(s)[s.candidates[1].pk][:2] == (1, True)


def test_a_superseded_return_counts_for_nothing():
    s = scenario(threshold_units=1)
    unit = s.units[1][0]
    nominate(s, unit, s.candidates[:1])
    nominate(s, unit, s.candidates[1:2])
    assert statuses(s)[s.candidates[0].pk] == (0, False, "only 0 of 1 units")


# -- Affiliates --------------------------------------------------------------------------------


def test_affiliate_nominations_are_recorded_by_staff_and_counted_apart():
    s = scenario(threshold_units=5, affiliates_may_nominate=True, affiliate_nominations_needed=2)
    officer = returning_officer()
    unions = [do_create_affiliate(officer, name) for name in ("Union of Bakers", "Teachers' Union")]
    target = s.candidates[0]
    for union in unions:
        do_record_affiliate_nomination(officer, union, target)
    nominate(s, s.units[1][0], [target])

    [(_, units, affiliates, status)] = [
        row for row in threshold_statuses(s.contest) if row[0] == target
    ]
    assert (units, affiliates) == (1, 2)
    assert status.met
    assert status.reason == "2 affiliates (2 needed); units: only 1 of 5 units"

    withdrawn = do_withdraw_affiliate_nomination(officer, target.affiliate_nominations.first())
    assert withdrawn.withdrawn_at is not None
    assert statuses(s)[target.pk][1] is False


def test_affiliates_cannot_nominate_where_the_contest_says_not():
    s = scenario()
    officer = returning_officer()
    union = do_create_affiliate(officer, "Union of Bakers")
    with pytest.raises(ValidationError, match="Affiliates do not nominate"):
        do_record_affiliate_nomination(officer, union, s.candidates[0])


def test_an_affiliate_cannot_nominate_the_same_candidate_twice():
    s = scenario(affiliates_may_nominate=True)
    officer = returning_officer()
    union = do_create_affiliate(officer, "Union of Bakers")
    do_record_affiliate_nomination(officer, union, s.candidates[0])
    with pytest.raises(ValidationError, match="already nominated"):
        do_record_affiliate_nomination(officer, union, s.candidates[0])


def test_only_staff_record_affiliate_nominations():
    s = scenario(affiliates_may_nominate=True)
    union = do_create_affiliate(None, "Union of Bakers")
    with pytest.raises(PermissionDenied):
        do_record_affiliate_nomination(s.candidates[0].member.user, union, s.candidates[0])


# -- The close ---------------------------------------------------------------------------------


def test_the_close_fixes_each_candidates_status_with_its_reason():
    s = scenario(threshold_units=3)
    a, b = s.candidates[0], s.candidates[1]
    for unit in [*s.units[1], *s.units[2][:2]]:
        nominate(s, unit, [a])
    nominate(s, s.units[1][0], [a, b])

    closure = do_close_nominations(returning_officer(), s.election, now=after_close(s))

    results = {r.candidacy_id: r for r in ThresholdResult.objects.filter(closure=closure)}
    assert (results[a.pk].units, results[a.pk].met, results[a.pk].reason) == (
        5,
        True,
        "5 units; 3 needed",
    )
    assert (results[b.pk].units, results[b.pk].met, results[b.pk].reason) == (
        1,
        False,
        "only 1 of 3 units",
    )
    assert results[s.candidates[2].pk].reason == "only 0 of 3 units"
    event = AuditEvent.objects.get(tag=tags.NOMINATIONS_CLOSED)
    assert event.data["contests"][s.contest.slug]["met"] == [a.pk]


def test_home_and_spread_reasons_at_the_close():
    s = scenario(
        threshold_kind="home-and-spread", threshold_other_units=2, threshold_other_regions=2
    )
    home_only = s.candidates[0]  # a member of units[0][0]
    spread = s.candidates[1]  # a member of units[0][1]
    nominate(s, s.units[1][0], [home_only, spread])
    nominate(s, s.units[1][1], [home_only])
    nominate(s, s.units[2][0], [spread])
    nominate(s, s.units[0][1], [spread])

    do_close_nominations(None, s.election, now=after_close(s))

    assert ThresholdResult.objects.get(candidacy=home_only).reason == (
        "home unit missing; only 1 other region of 2"
    )
    assert ThresholdResult.objects.get(candidacy=spread).reason == (
        "home unit and 2 other units from 2 other regions"
    )


def test_nominations_cannot_be_closed_before_the_deadline_or_twice():
    s = scenario()
    with pytest.raises(NominationsClosed, match="cannot be closed early"):
        do_close_nominations(
            None, s.election, now=s.election.nominations_close_at - timedelta(seconds=1)
        )
    do_close_nominations(None, s.election, now=s.election.nominations_close_at)
    with pytest.raises(ValidationError, match="already been closed"):
        do_close_nominations(None, s.election, now=after_close(s))


def test_only_the_returning_officer_closes_nominations():
    s = scenario()
    with pytest.raises(PermissionDenied):
        do_close_nominations(member(), s.election, now=after_close(s))


# -- The ballot list ---------------------------------------------------------------------------


def test_the_ballot_lists_qualified_standing_candidates_alphabetically_by_surname():
    s = scenario(threshold_units=1, women=0, men=0)
    people = {
        name: make_candidacy(s.contest, make_member(s.units[0][0], with_user=True, name=name))
        for name in ("Zoe Adams", "Aaron Young", "Mary Brown", "Short Candidate", "Later Withdrawn")
    }
    nominate(
        s,
        s.units[1][0],
        [people[n] for n in ("Zoe Adams", "Aaron Young", "Mary Brown", "Later Withdrawn")],
    )
    do_close_nominations(None, s.election, now=after_close(s))
    do_withdraw_candidacy(None, people["Later Withdrawn"], now=after_close(s))

    ballot = do_confirm_ballot(returning_officer(), s.contest)

    assert [e.candidacy.member.name for e in ballot.entries.order_by("position")] == [
        "Zoe Adams",
        "Mary Brown",
        "Aaron Young",
    ]
    event = AuditEvent.objects.get(tag=tags.BALLOT_CONFIRMED)
    assert event.data["candidacies"] == [
        people[n].pk for n in ("Zoe Adams", "Mary Brown", "Aaron Young")
    ]
    with pytest.raises(ValidationError, match="already been confirmed"):
        do_confirm_ballot(None, s.contest)


def test_the_ballot_cannot_be_confirmed_before_the_close():
    s = scenario()
    with pytest.raises(ValidationError, match="Close nominations"):
        do_confirm_ballot(None, s.contest)


def test_a_ballot_order_by_lot_is_repeatable_from_its_seed():
    s = scenario(threshold_units=1, women=4, men=4, ballot_order="lot")
    for unit in s.units[1]:
        nominate(s, unit, s.candidates[:6])
    do_close_nominations(None, s.election, now=after_close(s))

    ballot = do_confirm_ballot(None, s.contest)

    assert ballot.seed
    placed = [
        e.candidacy for e in ballot.entries.order_by("position").select_related("candidacy__member")
    ]
    assert sorted(c.pk for c in placed) == sorted(c.pk for c in s.candidates[:6])
    assert ballot_order(placed, "lot", ballot.seed) == placed
    by_surname = ballot_order(placed, "surname")
    assert [c.member.name.split()[-1] for c in by_surname] == sorted(
        c.member.name.split()[-1] for c in placed
    )
