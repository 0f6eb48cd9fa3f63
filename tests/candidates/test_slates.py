"""Slates: created by the returning officer, a place on one confirmed only by the candidate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.candidates.actions import (
    do_confirm_slate_membership,
    do_create_slate,
    do_propose_slate_membership,
    do_withdraw_candidacy,
)
from hustings.elections.models import Phase
from tests.factories import make_candidacy, make_contest, make_election, member, returning_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def election():
    return make_election(Phase.NOMINATIONS)


def test_only_the_returning_officer_creates_a_slate(election):
    with pytest.raises(PermissionDenied):
        do_create_slate(member(), election, name="Members First")

    slate = do_create_slate(returning_officer(), election, name="  Members   First ")

    assert (slate.name, slate.slug) == ("Members First", "members-first")
    assert AuditEvent.objects.filter(tag=tags.SLATE_CREATED).count() == 1


def test_a_place_shows_on_the_slate_only_once_the_candidate_confirms_it(election):
    officer = returning_officer()
    candidacy = make_candidacy(make_contest(election))
    slate = do_create_slate(officer, election, name="Grassroots Voice")

    membership = do_propose_slate_membership(officer, slate, candidacy)
    assert list(slate.confirmed_candidacies()) == []
    assert candidacy.confirmed_slate() is None

    do_confirm_slate_membership(candidacy.member.user, membership)

    assert list(slate.confirmed_candidacies()) == [candidacy]
    assert candidacy.confirmed_slate() == slate
    assert AuditEvent.objects.filter(tag=tags.SLATE_MEMBERSHIP_CONFIRMED).count() == 1


def test_nobody_else_confirms_a_candidates_place(election):
    officer = returning_officer()
    candidacy = make_candidacy(make_contest(election))
    slate = do_create_slate(officer, election, name="Forward Together")
    membership = do_propose_slate_membership(officer, slate, candidacy)

    with pytest.raises(PermissionDenied):
        do_confirm_slate_membership(member(), membership)
    with pytest.raises(PermissionDenied):
        do_confirm_slate_membership(officer, membership)


def test_a_candidate_stands_on_one_slate_at_most(election):
    officer = returning_officer()
    candidacy = make_candidacy(make_contest(election))
    first = do_create_slate(officer, election, name="One")
    second = do_create_slate(officer, election, name="Two")
    do_propose_slate_membership(officer, first, candidacy)

    with pytest.raises(ValidationError, match="already on the slate One"):
        do_propose_slate_membership(officer, second, candidacy)


def test_a_slate_takes_candidates_only_from_its_own_election(election):
    officer = returning_officer()
    slate = do_create_slate(officer, election, name="Local")
    elsewhere = make_candidacy(make_contest(make_election(Phase.NOMINATIONS)))

    with pytest.raises(ValidationError, match="is not in"):
        do_propose_slate_membership(officer, slate, elsewhere)


def test_withdrawing_ends_the_candidates_place_on_a_slate(election):
    officer = returning_officer()
    candidacy = make_candidacy(make_contest(election))
    slate = do_create_slate(officer, election, name="Unity")
    membership = do_propose_slate_membership(officer, slate, candidacy)
    do_confirm_slate_membership(candidacy.member.user, membership)

    do_withdraw_candidacy(candidacy.member.user, candidacy)

    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert list(slate.confirmed_candidacies()) == []
