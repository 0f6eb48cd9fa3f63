"""The demo's campaign: supporters, approved and waiting quotes, updates, answers, questions."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command

from hustings.campaign.demo import add_demo_campaign, add_demo_report_backs
from hustings.campaign.models import (
    Answer,
    CampaignUpdate,
    PublicQuestion,
    Questionnaire,
    QuoteStatus,
    ReportBack,
    Support,
)
from hustings.elections.models import Phase
from tests import factories
from tests.campaign.helpers import publish_winners

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_campaign_feature_to_look_at() -> None:
    call_command("demo", "--members", "3000", "--no-photos", stdout=StringIO())

    assert Support.objects.count() > 50
    assert Support.objects.filter(quote_status=QuoteStatus.APPROVED).exists()
    assert Support.objects.filter(quote_status=QuoteStatus.PENDING).exists()
    assert CampaignUpdate.objects.exists()
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.questions.count() == 3
    assert Answer.objects.filter(question__questionnaire=questionnaire).exists()
    questions = PublicQuestion.objects.all()
    assert questions.count() >= 3
    assert questions.exclude(answer="").exists()
    assert questions.filter(answer="").exists()


def test_demo_report_backs_go_only_to_winners_of_published_results() -> None:
    contest = factories.make_contest(factories.make_election(Phase.RESULTS))
    winners = [factories.make_candidacy(contest) for _ in range(4)]
    loser = factories.make_candidacy(contest)
    publish_winners(contest.election, *winners)

    published = add_demo_report_backs(contest.election, random.Random(1))

    assert published == ReportBack.objects.count()
    assert published > 0
    assert not ReportBack.objects.filter(candidacy=loser).exists()


def test_the_demo_campaign_of_an_election_without_candidates_adds_nothing() -> None:
    election = factories.make_election()

    add_demo_campaign(election, random.Random(1))

    assert not Support.objects.exists()
    assert not Questionnaire.objects.exists()
