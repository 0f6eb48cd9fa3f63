"""Contests: representation rules as the counting library's constraints, and nomination rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.counting import Constraint
from hustings.elections.actions import (
    do_create_contest,
    do_create_election,
    do_update_contest,
    do_update_election,
)
from hustings.elections.models import Contest, Method, Phase, ThresholdKind
from tests.factories import make_election, member, returning_officer, timetable

pytestmark = pytest.mark.django_db


def test_contest_methods_are_exactly_the_counting_librarys():
    from hustings.counting import METHODS

    assert tuple(Method.values) == METHODS


def test_a_contest_with_a_womens_minimum_becomes_a_counting_constraint():
    officer = returning_officer()
    contest = do_create_contest(
        officer,
        make_election(),
        name="NEC — CLP section",
        slug="nec-clp",
        seats=6,
        method="block",
        representation_rules=[{"attribute": "gender", "value": "woman", "minimum": 3}],
    )

    assert contest.constraints() == (Constraint("gender", "woman", minimum=3),)
    event = AuditEvent.objects.get(tag=tags.CONTEST_CREATED)
    assert event.data["representation_rules"] == [
        {"attribute": "gender", "value": "woman", "minimum": 3, "maximum": None}
    ]


def test_representation_minima_beyond_the_seats_are_refused():
    with pytest.raises(ValidationError, match="only 2 seat"):
        do_create_contest(
            returning_officer(),
            make_election(),
            name="Small",
            slug="small",
            seats=2,
            method="scottish-stv",
            representation_rules=[{"value": "woman", "minimum": 3}],
        )
    assert not Contest.objects.exists()


def test_a_units_threshold_needs_a_number_of_units():
    contest = Contest(
        election=make_election(),
        name="X",
        slug="x",
        seats=1,
        method="block",
        threshold_kind=ThresholdKind.UNITS,
        threshold_units=0,
    )

    with pytest.raises(ValidationError) as raised:
        contest.full_clean()

    assert "threshold_units" in raised.value.message_dict


def test_only_the_returning_officer_may_create_an_election():
    with pytest.raises(PermissionDenied):
        do_create_election(
            member(),
            name="Coup",
            slug="coup",
            voters_joined_by="2026-01-01",
            **timetable(Phase.DECLARATIONS),
        )


def test_a_timetable_change_is_audited_with_before_and_after():
    officer = returning_officer()
    election = make_election(Phase.NOMINATIONS)
    old_close = election.nominations_close_at
    new_close = old_close + (election.ballot_open_at - old_close) / 2

    do_update_election(officer, election, nominations_close_at=new_close)

    event = AuditEvent.objects.get(tag=tags.ELECTION_TIMETABLE_CHANGED)
    assert event.actor == officer
    assert event.data["changed"] == {
        "nominations_close_at": [old_close.isoformat(), new_close.isoformat()]
    }


def test_an_update_that_changes_nothing_leaves_no_event():
    contest = do_create_contest(
        returning_officer(), make_election(), name="A", slug="a", seats=1, method="block"
    )

    do_update_contest(returning_officer(), contest, seats=1)

    assert not AuditEvent.objects.filter(tag=tags.CONTEST_CHANGED).exists()
