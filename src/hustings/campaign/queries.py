"""What the campaign pages, the guide and the feeds read: never anything hidden or withdrawn."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from hustings.campaign.models import (
    Answer,
    CampaignUpdate,
    Follow,
    PublicQuestion,
    Question,
    Questionnaire,
    QuoteStatus,
    ReportBack,
    Support,
)
from hustings.candidates.models import Candidacy
from hustings.members.models import Member


def current_supports(candidacy: Candidacy) -> QuerySet[Support]:
    """Return the candidacy's current supporters, oldest first, with name and unit."""
    return (
        Support.objects.filter(candidacy=candidacy, withdrawn_at__isnull=True)
        .select_related("member__unit")
        .order_by("created_at", "pk")
    )


def support_count(candidacy: Candidacy) -> int:
    """Return how many members currently support the candidacy."""
    return Support.objects.filter(candidacy=candidacy, withdrawn_at__isnull=True).count()


def support_of(member: Member | None, candidacy: Candidacy) -> Support | None:
    """Return the member's current support of the candidacy, if any."""
    if member is None:
        return None
    return Support.objects.filter(
        candidacy=candidacy, member=member, withdrawn_at__isnull=True
    ).first()


def pending_quotes() -> QuerySet[Support]:
    """Return current supports whose quotes await moderation, oldest first."""
    return (
        Support.objects.filter(withdrawn_at__isnull=True, quote_status=QuoteStatus.PENDING)
        .select_related("member__unit", "candidacy__member", "candidacy__contest__election")
        .order_by("created_at", "pk")
    )


def updates_for(candidacy: Candidacy) -> QuerySet[CampaignUpdate]:
    """Return the candidacy's campaign updates, newest first."""
    return CampaignUpdate.objects.filter(candidacy=candidacy).order_by("-posted_at", "-pk")


def report_backs_for(candidacy: Candidacy) -> QuerySet[ReportBack]:
    """Return the representative's report-backs, most recent meeting first."""
    return ReportBack.objects.filter(candidacy=candidacy).order_by(
        "-meeting_date", "-published_at", "-pk"
    )


def follow_of(member: Member | None, candidacy: Candidacy) -> Follow | None:
    """Return the member's current follow of the representative, if any."""
    if member is None:
        return None
    return Follow.objects.filter(candidacy=candidacy, member=member, ended_at__isnull=True).first()


def visible_questions() -> QuerySet[PublicQuestion]:
    """Return every public question the returning officer has not hidden."""
    return PublicQuestion.objects.filter(hidden_at__isnull=True)


def questions_for(candidacy: Candidacy) -> QuerySet[PublicQuestion]:
    """Return the visible public questions to the candidacy, newest first, with the asker."""
    return (
        visible_questions()
        .filter(candidacy=candidacy)
        .select_related("asker__unit")
        .order_by("-asked_at", "-pk")
    )


def question_counts(candidacies: Iterable[Candidacy]) -> dict[int, int]:
    """Return {candidacy id: number of visible public questions} for the given candidacies."""
    ids = [c.pk for c in candidacies]
    counts = dict.fromkeys(ids, 0)
    rows = (
        visible_questions()
        .filter(candidacy_id__in=ids)
        .values("candidacy_id")
        .annotate(n=Count("pk"))
        .values_list("candidacy_id", "n")
    )
    counts.update(dict(rows))
    return counts


def moderation_questions() -> QuerySet[PublicQuestion]:
    """Return visible questions for the moderation queue: reported ones first, then newest."""
    return (
        visible_questions()
        .annotate(report_count=Count("reports"))
        .select_related("asker__unit", "candidacy__member", "candidacy__contest")
        .order_by("-report_count", "-asked_at", "-pk")
    )


def questionnaires_for(candidacy: Candidacy) -> QuerySet[Questionnaire]:
    """Return the questionnaires sent to the candidacy's contest, earliest deadline first."""
    return (
        Questionnaire.objects.filter(contests=candidacy.contest_id)
        .prefetch_related("questions")
        .order_by("deadline", "pk")
    )


def answers_for(candidacies: Iterable[Candidacy]) -> dict[int, list[tuple[Question, Answer]]]:
    """Return {candidacy id: [(question, answer)]}, in questionnaire and question order.

    Only questions of questionnaires sent to the candidacy's contest that the candidate answered
    are listed, so each list is what that candidate published; every candidacy asked about has a
    key, with an empty list if they answered nothing.
    """
    candidacies = list(candidacies)
    found: dict[int, list[tuple[Question, Answer]]] = {c.pk: [] for c in candidacies}
    contest_of = {c.pk: c.contest_id for c in candidacies}
    rows = list(
        Answer.objects.filter(candidacy_id__in=list(found))
        .select_related("question__questionnaire")
        .order_by(
            "question__questionnaire__deadline",
            "question__questionnaire_id",
            "question__position",
        )
    )
    # An answer counts only where its questionnaire was sent to the candidacy's own contest.
    sent = _contests_sent(row.question.questionnaire_id for row in rows)
    for answer in rows:
        if contest_of[answer.candidacy_id] in sent.get(answer.question.questionnaire_id, set()):
            found[answer.candidacy_id].append((answer.question, answer))
    return found


def _contests_sent(questionnaire_ids: Iterable[int]) -> dict[int, set[int]]:
    through = Questionnaire.contests.through
    sent: dict[int, set[int]] = {}
    for questionnaire_id, contest_id in through.objects.filter(
        questionnaire_id__in=set(questionnaire_ids)
    ).values_list("questionnaire_id", "contest_id"):
        sent.setdefault(questionnaire_id, set()).add(contest_id)
    return sent


def answers_by_question(candidacy: Candidacy) -> dict[int, Answer]:
    """Return the candidacy's questionnaire answers keyed by question id."""
    return {a.question_id: a for a in Answer.objects.filter(candidacy=candidacy)}


def open_for_answers(questionnaire: Questionnaire, now: datetime | None = None) -> bool:
    """Return whether candidates may still answer the questionnaire."""
    return (now or timezone.now()) < questionnaire.deadline


def is_elected(candidacy: Candidacy) -> bool:
    """Return whether the candidacy holds a seat under published results."""
    from hustings.results.queries import elected_candidacies

    return elected_candidacies(candidacy.contest.election).filter(pk=candidacy.pk).exists()
