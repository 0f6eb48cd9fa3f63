"""The access helpers, each at its boundary: 404 for what does not exist, 403 for what is not yours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hustings.accounts import access
from hustings.elections.models import Phase
from hustings.members.models import UnitSecretary
from tests import factories

pytestmark = pytest.mark.django_db


def test_roles_are_read_from_the_staff_role() -> None:
    ro, observer, member = factories.returning_officer(), factories.observer(), factories.member()
    assert access.is_returning_officer(ro)
    assert not access.is_returning_officer(observer)
    assert access.is_observer(observer)
    assert not access.is_observer(member)
    assert access.staff_role(AnonymousUser()) == ""


def test_require_staff_role_admits_only_the_roles_named() -> None:
    access.require_staff_role(factories.returning_officer(), access.RETURNING_OFFICER)
    access.require_staff_role(factories.observer(), access.RETURNING_OFFICER, access.OBSERVER)
    with pytest.raises(PermissionDenied):
        access.require_staff_role(factories.observer(), access.RETURNING_OFFICER)
    with pytest.raises(PermissionDenied):
        access.require_staff_role(factories.member(), access.OBSERVER)
    with pytest.raises(PermissionDenied):
        access.require_staff_role(AnonymousUser(), access.OBSERVER)


def test_everyone_with_any_staff_power_needs_a_second_factor() -> None:
    assert access.needs_second_factor(factories.returning_officer())
    assert access.needs_second_factor(factories.observer())
    superuser = factories.make_user(is_superuser=True)
    assert access.needs_second_factor(superuser)
    assert not access.needs_second_factor(factories.member())
    assert not access.needs_second_factor(AnonymousUser())


def test_contest_for_declaring_boundaries() -> None:
    region = factories.make_region()
    contest = factories.make_contest(region=region)
    inside = factories.member(factories.make_unit(region))
    member, found = access.get_contest_for_declaring(inside, contest.pk)
    assert (member.user, found) == (inside, contest)
    with pytest.raises(Http404):
        access.get_contest_for_declaring(inside, contest.pk + 1000)
    with pytest.raises(PermissionDenied, match="only for members in"):
        access.get_contest_for_declaring(factories.outsider(), contest.pk)
    with pytest.raises(PermissionDenied, match="Only members"):
        access.get_contest_for_declaring(factories.observer(), contest.pk)
    with pytest.raises(PermissionDenied):
        access.get_contest_for_declaring(AnonymousUser(), contest.pk)


def test_declarations_open_and_close_on_the_timetable() -> None:
    election = factories.make_election(Phase.DECLARATIONS)
    contest = factories.make_contest(election)
    member = factories.make_member()
    assert access.reasons_may_not_declare(member, contest) == []
    just_before = election.declarations_open_at - timedelta(microseconds=1)
    assert access.reasons_may_not_declare(member, contest, just_before)
    at_close = election.nominations_close_at
    assert access.reasons_may_not_declare(member, contest, at_close)
    assert not access.reasons_may_not_declare(member, contest, at_close - timedelta(seconds=1))


def test_candidacy_for_editing_boundaries() -> None:
    contest = factories.make_contest()
    candidacy = factories.make_candidacy(contest)
    owner = candidacy.member.user
    assert access.get_candidacy_for_editing(owner, candidacy.pk) == candidacy
    with pytest.raises(Http404):
        access.get_candidacy_for_editing(owner, candidacy.pk + 1000)
    other = factories.make_candidacy(contest).member.user
    with pytest.raises(PermissionDenied):
        access.get_candidacy_for_editing(other, candidacy.pk)
    with pytest.raises(PermissionDenied):
        access.get_candidacy_for_editing(factories.returning_officer(), candidacy.pk)
    with pytest.raises(PermissionDenied):
        access.get_candidacy_for_editing(AnonymousUser(), candidacy.pk)


def test_candidacy_is_not_editable_once_nominations_close() -> None:
    election = factories.make_election()
    candidacy = factories.make_candidacy(factories.make_contest(election))
    election.nominations_close_at = timezone.now()
    election.save()
    with pytest.raises(PermissionDenied, match="until nominations closed"):
        access.get_candidacy_for_editing(candidacy.member.user, candidacy.pk)


def test_removed_candidacy_is_not_found_even_by_its_candidate() -> None:
    candidacy = factories.make_candidacy(removed_at=timezone.now(), removal_reason="Ineligible")
    with pytest.raises(Http404):
        access.get_candidacy_for_editing(candidacy.member.user, candidacy.pk)


def test_withdrawal_is_open_until_the_ballot_opens() -> None:
    pending = factories.make_candidacy(
        factories.make_contest(factories.make_election(Phase.BALLOT_PENDING))
    )
    assert access.get_candidacy_for_withdrawing(pending.member.user, pending.pk) == pending
    voting = factories.make_candidacy(factories.make_contest(factories.make_election(Phase.BALLOT)))
    with pytest.raises(PermissionDenied, match="until the ballot opened"):
        access.get_candidacy_for_withdrawing(voting.member.user, voting.pk)


def test_slate_place_for_confirming_boundaries() -> None:
    candidacy = factories.make_candidacy()
    slate = factories.make_slate(candidacy.contest.election)
    place = slate.memberships.create(candidacy=candidacy, proposed_at=timezone.now())
    assert access.get_slate_membership_for_confirming(candidacy.member.user, place.pk) == place
    with pytest.raises(PermissionDenied):
        access.get_slate_membership_for_confirming(factories.member(), place.pk)
    place.ended_at = timezone.now()
    place.save()
    with pytest.raises(Http404):
        access.get_slate_membership_for_confirming(candidacy.member.user, place.pk)


def test_unit_for_secretary_boundaries() -> None:
    unit = factories.make_unit()
    secretary = factories.unit_secretary(unit)
    assert access.get_unit_for_secretary(secretary, unit.pk) == unit
    assert list(access.units_for_secretary(secretary)) == [unit]
    with pytest.raises(PermissionDenied):
        access.get_unit_for_secretary(secretary, factories.make_unit().pk)
    with pytest.raises(PermissionDenied):
        access.get_unit_for_secretary(factories.member(unit), unit.pk)
    with pytest.raises(Http404):
        access.get_unit_for_secretary(secretary, unit.pk + 1000)
    assert not access.units_for_secretary(AnonymousUser()).exists()


def test_a_former_secretary_no_longer_acts_for_the_unit() -> None:
    unit = factories.make_unit()
    secretary = factories.unit_secretary(unit)
    UnitSecretary.objects.filter(unit=unit).update(ended_at=timezone.now())
    with pytest.raises(PermissionDenied):
        access.get_unit_for_secretary(secretary, unit.pk)
