"""Members ask candidates public questions; candidates answer; reports; hiding; rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.campaign import queries
from hustings.campaign.actions import QUESTIONS_PER_DAY, QUESTIONS_PER_HOUR
from hustings.campaign.models import PublicQuestion, QuestionReport
from tests import factories
from tests.accounts.helpers import staff_client
from tests.campaign.helpers import page, signed_in

pytestmark = pytest.mark.django_db


def ask_url(candidacy) -> str:  # type: ignore[no-untyped-def]
    return reverse("campaign:ask", args=[candidacy.pk])


def ask(candidacy, text: str = "Will you back a ballot on the manifesto?"):  # type: ignore[no-untyped-def]
    user = factories.member()
    response = signed_in(user).post(ask_url(candidacy), {"text": text})
    return user, response


def test_member_asks_a_question_shown_with_their_name_and_unit() -> None:
    candidacy = factories.make_candidacy()
    user, response = ask(candidacy)

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert "Will you back a ballot on the manifesto?" in shown
    assert f"{user.member.name}, {user.member.unit.name}" in shown


def test_visitors_and_non_members_cannot_ask() -> None:
    candidacy = factories.make_candidacy()
    assert Client().post(ask_url(candidacy), {"text": "Hi?"}).status_code == 302
    assert (
        signed_in(factories.make_user()).post(ask_url(candidacy), {"text": "Hi?"}).status_code
        == 403
    )
    assert not PublicQuestion.objects.exists()


def test_questions_over_the_length_limit_are_refused() -> None:
    candidacy = factories.make_candidacy()
    _, response = ask(candidacy, "q" * 501)

    assert response.status_code == 400
    assert "500" in response.content.decode()
    assert not PublicQuestion.objects.exists()


def test_a_member_may_ask_five_questions_an_hour() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(user := factories.member())
    for n in range(QUESTIONS_PER_HOUR):
        assert client.post(ask_url(candidacy), {"text": f"Question {n}?"}).status_code == 302

    response = client.post(ask_url(candidacy), {"text": "One too many?"})

    assert response.status_code == 429
    assert "You can ask 5 questions an hour" in response.content.decode()
    assert PublicQuestion.objects.filter(asker=user.member).count() == QUESTIONS_PER_HOUR


def test_a_member_may_ask_at_most_twenty_questions_a_day() -> None:
    candidacy = factories.make_candidacy()
    user = factories.member()
    earlier = timezone.now() - timedelta(hours=3)
    PublicQuestion.objects.bulk_create(
        PublicQuestion(candidacy=candidacy, asker=user.member, text=f"Q{n}", asked_at=earlier)
        for n in range(QUESTIONS_PER_DAY)
    )

    response = signed_in(user).post(ask_url(candidacy), {"text": "Another?"})

    assert response.status_code == 429
    assert "20 questions a day" in response.content.decode()


def test_the_candidate_answers_and_the_answer_shows() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy)
    question = PublicQuestion.objects.get()

    response = signed_in(candidacy.member.user).post(
        reverse("campaign:answer-question", args=[question.pk]), {"answer": "Yes, every year."}
    )

    assert response.status_code == 302
    assert "Yes, every year." in Client().get(page(candidacy)).content.decode()


def test_only_the_candidate_asked_may_answer() -> None:
    candidacy = factories.make_candidacy()
    asker, _ = ask(candidacy)
    question = PublicQuestion.objects.get()
    url = reverse("campaign:answer-question", args=[question.pk])
    rival = factories.make_candidacy(candidacy.contest)

    for client in (signed_in(asker), signed_in(rival.member.user)):
        assert client.post(url, {"answer": "Forged"}).status_code == 403
    assert staff_client(factories.returning_officer()).post(url, {"answer": "F"}).status_code == 403
    assert PublicQuestion.objects.get().answer == ""


def test_members_report_a_question_once_each() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy)
    question = PublicQuestion.objects.get()
    reporter = signed_in(factories.member())
    url = reverse("campaign:report-question", args=[question.pk])

    assert reporter.post(url, {"reason": "Abusive"}).status_code == 302
    again = reporter.post(url, {"reason": "Still abusive"})

    assert again.status_code == 400
    assert "already reported" in again.content.decode()
    assert QuestionReport.objects.count() == 1
    assert Client().post(url, {}).status_code == 302
    assert QuestionReport.objects.count() == 1


def test_reported_questions_come_first_in_the_moderation_queue() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy, "Reported question?")
    ask(candidacy, "Fine question?")
    reported = PublicQuestion.objects.get(text="Reported question?")
    signed_in(factories.member()).post(reverse("campaign:report-question", args=[reported.pk]))

    queue = staff_client(factories.returning_officer()).get(reverse("campaign:moderation"))

    text = queue.content.decode()
    assert text.index("Reported question?") < text.index("Fine question?")


def test_a_hidden_question_disappears_everywhere_and_hiding_is_audited() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy, "An abusive question?")
    ask(candidacy, "A fair question?")
    question = PublicQuestion.objects.get(text="An abusive question?")
    officer = factories.returning_officer()

    response = staff_client(officer).post(
        reverse("campaign:hide-question", args=[question.pk]), {"reason": "Personal abuse"}
    )

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert "An abusive question?" not in shown
    assert "A fair question?" in shown
    assert 'Questions from members <span class="count">(1)</span>' in shown
    assert queries.question_counts([candidacy]) == {candidacy.pk: 1}
    assert [q.text for q in queries.questions_for(candidacy)] == ["A fair question?"]
    queue = staff_client(factories.returning_officer()).get(reverse("campaign:moderation"))
    assert "An abusive question?" not in queue.content.decode()
    # Nobody can answer or report it any more.
    answer = signed_in(candidacy.member.user).post(
        reverse("campaign:answer-question", args=[question.pk]), {"answer": "x"}
    )
    assert answer.status_code == 404
    event = AuditEvent.objects.get(tag=tags.CAMPAIGN_QUESTION_HIDDEN)
    assert event.actor == officer
    assert event.data["reason"] == "Personal abuse"


def test_hiding_needs_a_reason_and_a_returning_officer() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy)
    question = PublicQuestion.objects.get()
    url = reverse("campaign:hide-question", args=[question.pk])

    assert staff_client(factories.returning_officer()).post(url, {"reason": ""}).status_code == 400
    assert staff_client(factories.observer()).post(url, {"reason": "x"}).status_code == 403
    assert signed_in(factories.member()).post(url, {"reason": "x"}).status_code == 403
    assert signed_in(candidacy.member.user).post(url, {"reason": "x"}).status_code == 403
    assert PublicQuestion.objects.get().hidden_at is None


def test_staff_find_the_campaign_records_in_the_admin_linked_to_the_moderation_queue() -> None:
    candidacy = factories.make_candidacy()
    ask(candidacy, "Seen in the admin?")
    client = staff_client(factories.observer())

    response = client.get(reverse("admin:campaign_publicquestion_changelist"))

    assert response.status_code == 200
    assert reverse("campaign:moderation") in response.content.decode()
