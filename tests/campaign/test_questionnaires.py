"""Staff register groups' questionnaires; candidates answer within limits and before the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.campaign import queries
from hustings.campaign.models import Answer, Question, Questionnaire
from tests import factories
from tests.accounts.helpers import staff_client
from tests.campaign.helpers import page, signed_in

pytestmark = pytest.mark.django_db


def register_form(contests, **extra: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    deadline = timezone.localtime(timezone.now() + timedelta(days=7))
    return {
        "group_name": "Women's Network",
        "title": "Equality questions",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "contests": [c.pk for c in contests],
        "question_1": "How will you support women standing for office?",
        "limit_1": "300",
        "question_2": "What is your record on equal pay?",
        "limit_2": "",
        **extra,
    }


def make_questionnaire(contest, *, deadline_days: int = 7, limit: int = 50) -> Questionnaire:  # type: ignore[no-untyped-def]
    questionnaire = Questionnaire.objects.create(
        election=contest.election,
        group_name="Disability Network",
        title="Access questions",
        deadline=timezone.now() + timedelta(days=deadline_days),
        created_at=timezone.now(),
    )
    questionnaire.contests.set([contest])
    Question.objects.create(
        questionnaire=questionnaire, position=1, text="Step-free venues?", max_chars=limit
    )
    Question.objects.create(
        questionnaire=questionnaire, position=2, text="Captioned hustings?", max_chars=limit
    )
    return questionnaire


def answer_url(questionnaire, candidacy) -> str:  # type: ignore[no-untyped-def]
    return reverse("campaign:answer-questionnaire", args=[questionnaire.pk, candidacy.pk])


def test_returning_officer_registers_a_questionnaire_with_limits_and_it_is_audited() -> None:
    contest = factories.make_contest()
    officer = factories.returning_officer()
    client = staff_client(officer)

    response = client.post(
        reverse("campaign:new-questionnaire", args=[contest.election.slug]),
        register_form([contest]),
    )

    assert response.status_code == 302, response.content.decode()
    questionnaire = Questionnaire.objects.get()
    assert [(q.position, q.max_chars) for q in questionnaire.questions.all()] == [
        (1, 300),
        (2, 1000),
    ]
    assert list(questionnaire.contests.all()) == [contest]
    event = AuditEvent.objects.get(tag=tags.CAMPAIGN_QUESTIONNAIRE_REGISTERED)
    assert event.actor == officer
    assert "Equality questions" in client.get(reverse("campaign:questionnaires")).content.decode()


def test_a_questionnaire_needs_a_contest_and_a_future_deadline() -> None:
    contest = factories.make_contest()
    client = staff_client(factories.returning_officer())
    url = reverse("campaign:new-questionnaire", args=[contest.election.slug])

    no_contest = client.post(url, register_form([]))
    past = client.post(url, register_form([contest], deadline="2001-01-01T10:00"))

    assert no_contest.status_code == 400
    assert past.status_code == 400
    assert "must be in the future" in past.content.decode()
    assert not Questionnaire.objects.exists()


def test_members_candidates_and_observers_cannot_register_questionnaires() -> None:
    contest = factories.make_contest()
    url = reverse("campaign:new-questionnaire", args=[contest.election.slug])
    for client in (
        signed_in(factories.member()),
        signed_in(factories.candidate(contest)),
        staff_client(factories.observer()),
    ):
        assert client.post(url, register_form([contest])).status_code == 403
    assert not Questionnaire.objects.exists()


def test_candidate_answers_and_the_answers_show_on_their_page() -> None:
    candidacy = factories.make_candidacy()
    questionnaire = make_questionnaire(candidacy.contest)
    first, second = questionnaire.questions.all()

    response = signed_in(candidacy.member.user).post(
        answer_url(questionnaire, candidacy),
        {f"answer_{first.pk}": "Always, in every venue.", f"answer_{second.pk}": ""},
    )

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert "Step-free venues?" in shown
    assert "Always, in every venue." in shown
    assert "No answer." in shown


def test_an_answer_over_the_limit_is_refused_saying_which_question_and_by_how_much() -> None:
    candidacy = factories.make_candidacy()
    questionnaire = make_questionnaire(candidacy.contest, limit=50)
    first, second = questionnaire.questions.all()

    response = signed_in(candidacy.member.user).post(
        answer_url(questionnaire, candidacy),
        {f"answer_{first.pk}": "ok", f"answer_{second.pk}": "y" * 60},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Question 2: your answer has 60 characters; the limit is 50. Please remove 10." in text
    assert not Answer.objects.exists()


def test_answers_are_refused_after_the_deadline() -> None:
    candidacy = factories.make_candidacy()
    questionnaire = make_questionnaire(candidacy.contest, deadline_days=-1)
    first = questionnaire.questions.first()
    assert first is not None

    response = signed_in(candidacy.member.user).post(
        answer_url(questionnaire, candidacy), {f"answer_{first.pk}": "Late."}
    )

    assert response.status_code == 400
    assert "The deadline for answering Access questions was" in response.content.decode()
    assert not Answer.objects.exists()


def test_only_the_candidate_answers_their_questionnaire() -> None:
    candidacy = factories.make_candidacy()
    rival = factories.make_candidacy(candidacy.contest)
    questionnaire = make_questionnaire(candidacy.contest)
    first = questionnaire.questions.first()
    assert first is not None
    data = {f"answer_{first.pk}": "Forged."}

    assert (
        signed_in(rival.member.user).post(answer_url(questionnaire, candidacy), data).status_code
        == 403
    )
    assert (
        signed_in(factories.member()).post(answer_url(questionnaire, candidacy), data).status_code
        == 403
    )
    assert Client().post(answer_url(questionnaire, candidacy), data).status_code == 302
    assert not Answer.objects.exists()


def test_a_questionnaire_for_another_contest_cannot_be_answered() -> None:
    candidacy = factories.make_candidacy()
    elsewhere = factories.make_contest(candidacy.contest.election)
    questionnaire = make_questionnaire(elsewhere)

    response = signed_in(candidacy.member.user).get(answer_url(questionnaire, candidacy))

    assert response.status_code == 404


def test_answers_for_gives_each_candidacy_its_answers_in_question_order() -> None:
    candidacy = factories.make_candidacy()
    quiet = factories.make_candidacy(candidacy.contest)
    questionnaire = make_questionnaire(candidacy.contest)
    first, second = questionnaire.questions.all()
    client = signed_in(candidacy.member.user)
    client.post(
        answer_url(questionnaire, candidacy),
        {f"answer_{second.pk}": "Second answer", f"answer_{first.pk}": "First answer"},
    )

    found = queries.answers_for([candidacy, quiet])

    assert [(q.text, a.text) for q, a in found[candidacy.pk]] == [
        ("Step-free venues?", "First answer"),
        ("Captioned hustings?", "Second answer"),
    ]
    assert found[quiet.pk] == []
