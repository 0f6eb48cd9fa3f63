"""Elected representatives report back; members follow them by email and may stop; Atom feed."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.campaign.models import Follow, ReportBack
from hustings.elections.models import Phase
from tests import factories
from tests.accounts.helpers import path_of
from tests.campaign.helpers import page, publish_winners, signed_in

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def elected():  # type: ignore[no-untyped-def]
    """Return a candidacy that won its seat in a published result, and a loser in its contest."""
    contest = factories.make_contest(factories.make_election(Phase.RESULTS))
    winner = factories.make_candidacy(contest)
    loser = factories.make_candidacy(contest)
    publish_winners(contest.election, winner)
    return winner, loser


def report(candidacy, title: str = "NEC, 20 November", **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "title": title,
        "meeting_date": str(timezone.localdate() - timedelta(days=2)),
        "body": "We agreed the **timetable**.",
        **extra,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return signed_in(candidacy.member.user).post(
            reverse("campaign:new-report-back", args=[candidacy.pk]), data
        )


def test_an_elected_member_publishes_a_report_listed_on_their_pages() -> None:
    winner, _ = elected()

    response = report(winner)

    assert response.status_code == 302
    rep_page = Client().get(reverse("campaign:representative", args=[winner.pk])).content.decode()
    assert "NEC, 20 November" in rep_page
    assert "We agreed the <strong>timetable</strong>." in rep_page
    assert "NEC, 20 November" in Client().get(page(winner)).content.decode()
    assert AuditEvent.objects.filter(tag=tags.CAMPAIGN_REPORT_BACK_PUBLISHED).count() == 1


def test_candidates_who_were_not_elected_cannot_report_back() -> None:
    _, loser = elected()

    assert report(loser).status_code == 403
    assert Client().get(reverse("campaign:representative", args=[loser.pk])).status_code == 403
    assert not ReportBack.objects.exists()


def test_nobody_but_the_representative_reports_in_their_name() -> None:
    winner, loser = elected()
    url = reverse("campaign:new-report-back", args=[winner.pk])
    data = {"title": "F", "meeting_date": str(timezone.localdate()), "body": "F"}

    assert signed_in(loser.member.user).post(url, data).status_code == 403
    assert signed_in(factories.member()).post(url, data).status_code == 403
    assert not ReportBack.objects.exists()


def test_a_meeting_in_the_future_is_refused() -> None:
    winner, _ = elected()

    response = report(winner, meeting_date=str(timezone.localdate() + timedelta(days=3)))

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_followers_are_emailed_each_report_and_can_unsubscribe_in_one_click() -> None:
    winner, _ = elected()
    follower = factories.member()
    bystander = factories.member()
    signed_in(follower).post(reverse("campaign:follow", args=[winner.pk]))
    assert bystander.member.email  # has an address, but never asked

    report(winner)

    assert [message.to for message in mail.outbox] == [[follower.member.email]]
    link = re.search(r"https?://\S+/campaign/unsubscribe/\S+/", mail.outbox[0].body)
    assert link is not None
    assert Client().post(path_of(link.group(0))).status_code == 200
    assert not Follow.objects.filter(ended_at__isnull=True).exists()

    mail.outbox.clear()
    report(winner, title="Next meeting")
    assert mail.outbox == []


def test_a_follower_stops_following_from_the_page() -> None:
    winner, _ = elected()
    client = signed_in(factories.member())
    client.post(reverse("campaign:follow", args=[winner.pk]))
    follow = Follow.objects.get()

    client.post(reverse("campaign:unfollow", args=[follow.pk]))

    assert Follow.objects.get().ended_at is not None


def test_visitors_cannot_follow() -> None:
    winner, _ = elected()

    response = Client().post(reverse("campaign:follow", args=[winner.pk]))

    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_the_atom_feed_lists_the_representatives_reports() -> None:
    winner, _ = elected()
    report(winner, title="First meeting")

    response = Client().get(reverse("campaign:reports-feed", args=[winner.pk]))

    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert len(titles) == 1
    assert titles[0] is not None
    assert titles[0].startswith("First meeting")
