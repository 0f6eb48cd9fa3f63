"""Every candidate's page has the same campaign sections and offers readers the same actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hustings.campaign.models import (
    CampaignUpdate,
    PublicQuestion,
    Question,
    Questionnaire,
    Support,
)
from tests import factories
from tests.campaign.helpers import page, signed_in

pytestmark = pytest.mark.django_db


def sections(html: str) -> list[str]:
    """Return the ids of the campaign sections on a page, in order."""
    return re.findall(r'<section id="([a-z-]+)" class="campaign-section"', html)


def links_and_buttons(html: str, name: str) -> list[str]:
    """Return the campaign actions offered on a candidate's page, with the name made generic."""
    found = re.findall(r'class="button[^"]*" href="[^"]*">([^<]+)</a>', html)
    return [label.replace(name, "NAME") for label in found]


def test_a_busy_and_a_quiet_candidate_get_the_same_sections_and_actions() -> None:
    contest = factories.make_contest()
    busy = factories.make_candidacy(contest)
    quiet = factories.make_candidacy(contest)
    now = timezone.now()
    for _ in range(5):
        Support.objects.create(candidacy=busy, member=factories.make_member(), created_at=now)
    CampaignUpdate.objects.create(candidacy=busy, title="News", body="Text", posted_at=now)
    PublicQuestion.objects.create(
        candidacy=busy, asker=factories.make_member(), text="Why?", asked_at=now
    )
    questionnaire = Questionnaire.objects.create(
        election=contest.election,
        group_name="Youth Network",
        title="Young members",
        deadline=now + timedelta(days=2),
        created_at=now,
    )
    questionnaire.contests.set([contest])
    Question.objects.create(
        questionnaire=questionnaire, position=1, text="Votes at 16?", max_chars=200
    )
    reader = signed_in(factories.member())

    busy_page = reader.get(page(busy)).content.decode()
    quiet_page = reader.get(page(quiet)).content.decode()

    assert sections(busy_page) == ["supporters", "updates", "questionnaires", "questions"]
    assert sections(quiet_page) == sections(busy_page)
    assert links_and_buttons(quiet_page, quiet.member.name) == links_and_buttons(
        busy_page, busy.member.name
    )
    # The quiet candidate is asked the same questionnaire, shown unanswered rather than left out.
    assert "Votes at 16?" in quiet_page


def test_supporters_are_listed_in_the_order_they_joined_not_ranked() -> None:
    candidacy = factories.make_candidacy()
    names = ["Zoe Last", "Adam First", "Maya Middle"]
    start = timezone.now()
    for offset, name in enumerate(names):
        Support.objects.create(
            candidacy=candidacy,
            member=factories.make_member(name=name),
            created_at=start + timedelta(minutes=offset),
        )

    html = signed_in(factories.member()).get(page(candidacy)).content.decode()

    shown = re.findall(r'<span class="supporter-name">([^<]+)</span>', html)
    assert shown == names
