"""The nomination access helpers at each boundary, and the account page's links to the new pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.accounts import access
from hustings.candidates.actions import do_withdraw_candidacy
from hustings.nominations.actions import do_record_unit_nominations
from hustings.nominations.models import Nomination
from tests import factories
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def test_secretary_gets_their_unit_and_the_contest() -> None:
    s = scenario()
    unit = s.units[0][0]
    user = factories.unit_secretary(unit)
    assert access.get_unit_and_contest_for_nominating(user, unit.pk, s.contest.pk) == (
        unit,
        s.contest,
    )


@pytest.mark.parametrize("who", ["other-secretary", "member", "visitor", "former", "officer"])
def test_nobody_but_the_units_current_secretary_gets_it(who: str) -> None:
    s = scenario()
    unit = s.units[0][0]
    if who == "other-secretary":
        user = factories.unit_secretary(s.units[0][1])
    elif who == "member":
        user = factories.member(unit)
    elif who == "visitor":
        user = AnonymousUser()
    elif who == "officer":
        # Staff record on a unit's behalf through the admin and the import, not this page.
        user = factories.returning_officer()
    else:
        appointment = factories.make_unit_secretary(unit)
        appointment.ended_at = timezone.now()
        appointment.save()
        user = appointment.member.user
    with pytest.raises(PermissionDenied, match=f"Only the secretary of {unit.name}"):
        access.get_unit_and_contest_for_nominating(user, unit.pk, s.contest.pk)


def test_an_unknown_contest_is_not_found_even_for_the_secretary() -> None:
    unit = factories.make_unit()
    with pytest.raises(Http404):
        access.get_unit_and_contest_for_nominating(factories.unit_secretary(unit), unit.pk, 0)


def test_only_the_candidate_gets_their_nomination_to_answer() -> None:
    s = scenario()
    candidacy = s.candidates[0]
    do_record_unit_nominations(None, s.units[1][0], s.contest, [candidacy], meeting=meeting())
    nomination = Nomination.objects.get()
    assert access.get_nomination_for_responding(candidacy.member.user, nomination.pk) == nomination
    with pytest.raises(PermissionDenied):
        access.get_nomination_for_responding(s.candidates[1].member.user, nomination.pk)
    with pytest.raises(PermissionDenied):
        access.get_candidacy_for_nominations(s.candidates[1].member.user, candidacy.pk)


def test_a_superseded_nomination_cannot_be_answered() -> None:
    s = scenario()
    candidacy = s.candidates[0]
    unit = s.units[1][0]
    do_record_unit_nominations(None, unit, s.contest, [candidacy], meeting=meeting())
    old = Nomination.objects.get()
    do_record_unit_nominations(None, unit, s.contest, [candidacy], meeting=meeting(attendance=9))
    with pytest.raises(Http404):
        access.get_nomination_for_responding(candidacy.member.user, old.pk)


def test_a_withdrawn_candidate_cannot_answer() -> None:
    s = scenario()
    candidacy = s.candidates[0]
    do_record_unit_nominations(None, s.units[1][0], s.contest, [candidacy], meeting=meeting())
    do_withdraw_candidacy(candidacy.member.user, candidacy)
    with pytest.raises(PermissionDenied, match="withdrawn"):
        access.get_nomination_for_responding(candidacy.member.user, Nomination.objects.get().pk)


def test_account_page_links_secretaries_and_candidates_to_their_nomination_pages() -> None:
    s = scenario()
    secretary = Client()
    secretary.force_login(factories.unit_secretary(s.units[0][0]))
    html = secretary.get(reverse("accounts:my-account")).content.decode()
    assert reverse("nominations:secretary") in html
    candidate = Client()
    candidate.force_login(s.candidates[0].member.user)
    html = candidate.get(reverse("accounts:my-account")).content.decode()
    assert reverse("nominations:candidacy", args=[s.candidates[0].pk]) in html
