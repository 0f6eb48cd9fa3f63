"""Candidates see who nominated them and accept or decline each nomination, only their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.nominations.actions import do_record_unit_nominations
from hustings.nominations.models import Nomination, Response
from tests import factories
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def nominated():
    s = scenario()
    candidacy = s.candidates[0]
    do_record_unit_nominations(None, s.units[1][0], s.contest, [candidacy], meeting=meeting())
    return s, candidacy, Nomination.objects.get(candidacy=candidacy)


def respond_url(nomination) -> str:
    return reverse("nominations:respond", args=[nomination.pk])


def page_url(candidacy) -> str:
    return reverse("nominations:candidacy", args=[candidacy.pk])


def test_candidate_sees_which_units_nominated_them() -> None:
    s, candidacy, _ = nominated()
    response = signed_in(candidacy.member.user).get(page_url(candidacy))
    assert response.status_code == 200
    html = response.content.decode()
    assert s.units[1][0].name in html
    assert "only 1 of 3 units" in html
    assert reverse("candidates:withdraw", args=[candidacy.pk]) in html


def test_candidate_declines_a_nomination_and_it_stops_counting() -> None:
    s, candidacy, nomination = nominated()
    client = signed_in(candidacy.member.user)
    response = client.post(respond_url(nomination), {"response": "declined"})
    assert response["Location"] == page_url(candidacy)
    nomination.refresh_from_db()
    assert nomination.response == Response.DECLINED
    assert AuditEvent.objects.filter(tag=tags.NOMINATION_DECLINED).exists()
    tally = Client().get(reverse("nominations:tally", args=[s.election.slug, s.contest.slug]))
    assert "(declined)" in tally.content.decode()
    client.post(respond_url(nomination), {"response": "accepted"})
    nomination.refresh_from_db()
    assert nomination.response == Response.ACCEPTED


def test_another_member_cannot_answer_or_see_a_candidates_nominations() -> None:
    _s, candidacy, nomination = nominated()
    other = signed_in(factories.member())
    assert other.get(page_url(candidacy)).status_code == 403
    assert other.post(respond_url(nomination), {"response": "declined"}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.response == Response.PENDING


def test_a_visitor_is_sent_to_sign_in() -> None:
    _, _candidacy, nomination = nominated()
    response = Client().post(respond_url(nomination), {"response": "declined"})
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_answers_after_the_close_are_refused_with_a_message() -> None:
    s, candidacy, nomination = nominated()
    s.election.nominations_close_at = timezone.now() - timedelta(seconds=1)
    s.election.save(update_fields=["nominations_close_at"])
    client = signed_in(candidacy.member.user)
    response = client.post(respond_url(nomination), {"response": "declined"}, follow=True)
    assert "answers can no longer be changed" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.response == Response.PENDING


def test_responding_needs_a_post_and_a_valid_answer() -> None:
    _, candidacy, nomination = nominated()
    client = signed_in(candidacy.member.user)
    assert client.get(respond_url(nomination)).status_code == 405
    client.post(respond_url(nomination), {"response": "maybe"})
    nomination.refresh_from_db()
    assert nomination.response == Response.PENDING


def test_candidate_answers_an_affiliates_nomination_and_only_they_may() -> None:
    from hustings.nominations.actions import do_create_affiliate, do_record_affiliate_nomination
    from hustings.nominations.models import AffiliateNomination

    s = scenario(affiliates_may_nominate=True, affiliate_nominations_needed=1)
    candidacy = s.candidates[0]
    union = do_create_affiliate(None, "Transport Workers Union")
    do_record_affiliate_nomination(None, union, candidacy)
    nomination = AffiliateNomination.objects.get()
    url = reverse("nominations:respond-affiliate", args=[nomination.pk])
    owner = signed_in(candidacy.member.user)
    assert "Transport Workers Union" in owner.get(page_url(candidacy)).content.decode()
    assert (
        signed_in(s.candidates[1].member.user).post(url, {"response": "declined"}).status_code
        == 403
    )
    nomination.refresh_from_db()
    assert nomination.response == Response.PENDING
    owner.post(url, {"response": "declined"})
    nomination.refresh_from_db()
    assert nomination.response == Response.DECLINED
