"""Every change the campaign makes: supporting, updates, questionnaires, questions, report-backs.

Each `do_*` action runs in one transaction, takes the acting user, refuses bad input with a
ValidationError naming the field, and records an audit event where staff moderate or something is
published in a candidate's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hustings.accounts.models import User
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.campaign import emails
from hustings.campaign.models import (
    ANSWER_LIMIT_MAX,
    HIDE_REASON_MAX_CHARS,
    QUESTION_ANSWER_MAX_CHARS,
    QUESTION_MAX_CHARS,
    QUOTE_MAX_CHARS,
    REPORT_REASON_MAX_CHARS,
    UPDATE_BODY_MAX_CHARS,
    UPDATE_TITLE_MAX_CHARS,
    Answer,
    CampaignUpdate,
    Follow,
    PublicQuestion,
    Question,
    Questionnaire,
    QuestionReport,
    QuoteStatus,
    ReportBack,
    Support,
)
from hustings.campaign.queries import is_elected
from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election
from hustings.members.models import Member

# A member may ask five questions an hour and twenty a day, across all candidates: plenty for
# someone reading the guide, too few to flood a candidate's page.
QUESTIONS_PER_HOUR = 5
QUESTIONS_PER_DAY = 20
MAX_QUESTIONS_PER_QUESTIONNAIRE = 20


class QuestionLimitReached(ValidationError):
    """The member has asked as many questions as the rate limit allows for now."""


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    if len(text) > limit:
        raise ValidationError(
            {field: f"{label.capitalize()} has {len(text):,} characters; the limit is {limit:,}."}
        )
    return text


def _line(value: str, *, field: str, label: str, limit: int) -> str:
    return _text(" ".join(value.split()), field=field, label=label, limit=limit)


def _require_standing(candidacy: Candidacy) -> None:
    if not candidacy.is_standing():
        raise ValidationError(f"{candidacy.member.name} is no longer standing.")


# -- Supporters ---------------------------------------------------------------------------------


def do_support(
    actor: User | None,
    member: Member,
    candidacy: Candidacy,
    *,
    quote: str = "",
    email_updates: bool = False,
    now: datetime | None = None,
) -> Support:
    """Record the member's public support, its quote held for moderation, opt-in as given."""
    now = now or timezone.now()
    quote = _text(quote, field="quote", label="your quote", limit=QUOTE_MAX_CHARS, required=False)
    with transaction.atomic():
        _require_standing(candidacy)
        if member.pk == candidacy.member_id:
            raise ValidationError("Candidates cannot add themselves as supporters.")
        if Support.objects.filter(
            candidacy=candidacy, member=member, withdrawn_at__isnull=True
        ).exists():
            raise ValidationError(f"You already support {candidacy.member.name}.")
        try:
            with transaction.atomic():
                return Support.objects.create(
                    candidacy=candidacy,
                    member=member,
                    quote=quote,
                    quote_status=QuoteStatus.PENDING if quote else QuoteStatus.NONE,
                    email_updates=email_updates,
                    created_at=now,
                )
        except IntegrityError:
            # Two clicks at once: the constraint lets one through.
            raise ValidationError(f"You already support {candidacy.member.name}.") from None


def do_withdraw_support(actor: User | None, support: Support, now: datetime | None = None) -> None:
    """End the member's support: their name, quote and email opt-in go with it."""
    with transaction.atomic():
        Support.objects.filter(pk=support.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now or timezone.now(), email_updates=False
        )


def do_set_update_emails(actor: User | None, support: Support, wanted: bool) -> None:
    """Turn the supporter's emails of campaign updates on or off."""
    with transaction.atomic():
        Support.objects.filter(pk=support.pk, withdrawn_at__isnull=True).update(
            email_updates=wanted
        )
        support.email_updates = wanted


def do_moderate_quote(
    actor: User, support: Support, *, approve: bool, now: datetime | None = None
) -> None:
    """Publish or decline a supporter's quote; the support itself stands either way."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Support.objects.select_for_update().get(pk=support.pk)
        if not locked.quote:
            raise ValidationError("This support has no quote to moderate.")
        locked.quote_status = QuoteStatus.APPROVED if approve else QuoteStatus.REJECTED
        locked.quote_moderated_at = now
        locked.quote_moderated_by = actor
        locked.save(update_fields=["quote_status", "quote_moderated_at", "quote_moderated_by"])
        record_event(
            tags.CAMPAIGN_QUOTE_APPROVED if approve else tags.CAMPAIGN_QUOTE_REJECTED,
            actor=actor,
            obj=locked,
            election=support.candidacy.contest.election,
            data={"candidacy": support.candidacy_id, "support": locked.pk},
        )
        support.quote_status = locked.quote_status


# -- Campaign updates ---------------------------------------------------------------------------


def do_post_update(
    actor: User | None,
    candidacy: Candidacy,
    *,
    title: str,
    body: str,
    now: datetime | None = None,
) -> CampaignUpdate:
    """Publish a campaign update and email it to supporters who opted in."""
    title = _line(title, field="title", label="a title", limit=UPDATE_TITLE_MAX_CHARS)
    body = _text(body, field="body", label="the update", limit=UPDATE_BODY_MAX_CHARS)
    with transaction.atomic():
        _require_standing(candidacy)
        update = CampaignUpdate.objects.create(
            candidacy=candidacy, title=title, body=body, posted_at=now or timezone.now()
        )
        record_event(
            tags.CAMPAIGN_UPDATE_POSTED,
            actor=actor,
            obj=update,
            election=candidacy.contest.election,
            data={"candidacy": candidacy.pk, "title": title},
        )
        transaction.on_commit(partial(emails.send_update_emails.enqueue, update.pk))
    return update


# -- Questionnaires -----------------------------------------------------------------------------


def do_register_questionnaire(
    actor: User | None,
    election: Election,
    *,
    group_name: str,
    title: str,
    deadline: datetime,
    contests: Iterable[Contest],
    questions: Sequence[tuple[str, int]],
    now: datetime | None = None,
) -> Questionnaire:
    """Register a group's questionnaire for some of the election's contests."""
    now = now or timezone.now()
    group_name = _line(group_name, field="group_name", label="the group's name", limit=150)
    title = _line(title, field="title", label="a title", limit=200)
    contests = list(contests)
    if not contests:
        raise ValidationError({"contests": "Choose at least one contest."})
    for contest in contests:
        if contest.election_id != election.pk:
            raise ValidationError({"contests": f"{contest.name} is not part of {election.name}."})
    if deadline <= now:
        raise ValidationError({"deadline": "The deadline must be in the future."})
    if not questions:
        raise ValidationError({"questions": "Give at least one question."})
    if len(questions) > MAX_QUESTIONS_PER_QUESTIONNAIRE:
        raise ValidationError(
            {"questions": f"Give at most {MAX_QUESTIONS_PER_QUESTIONNAIRE} questions."}
        )
    cleaned: list[tuple[str, int]] = []
    for number, (text, limit) in enumerate(questions, start=1):
        text = " ".join(text.split())
        if not text:
            raise ValidationError({"questions": f"Question {number} has no text."})
        if len(text) > 500:
            raise ValidationError({"questions": f"Question {number} is over 500 characters."})
        if not 1 <= limit <= ANSWER_LIMIT_MAX:
            raise ValidationError(
                {
                    "questions": (
                        f"Question {number}'s answer limit is {limit}; "
                        f"give between 1 and {ANSWER_LIMIT_MAX:,} characters."
                    )
                }
            )
        cleaned.append((text, limit))
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            election=election,
            group_name=group_name,
            title=title,
            deadline=deadline,
            created_at=now,
            created_by=actor,
        )
        questionnaire.contests.set(contests)
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, position=n, text=text, max_chars=limit)
            for n, (text, limit) in enumerate(cleaned, start=1)
        )
        record_event(
            tags.CAMPAIGN_QUESTIONNAIRE_REGISTERED,
            actor=actor,
            obj=questionnaire,
            election=election,
            data={
                "group": group_name,
                "title": title,
                "deadline": deadline.isoformat(),
                "contests": sorted(c.pk for c in contests),
                "questions": len(cleaned),
            },
        )
    return questionnaire


def do_answer_questionnaire(
    actor: User | None,
    candidacy: Candidacy,
    questionnaire: Questionnaire,
    answers: Mapping[int, str],
    now: datetime | None = None,
) -> int:
    """Save the candidate's answers (blank clears one); return how many answers they now have."""
    now = now or timezone.now()
    if now >= questionnaire.deadline:
        raise ValidationError(
            f"The deadline for answering {questionnaire.title} was "
            f"{timezone.localtime(questionnaire.deadline):%-d %B %Y at %H:%M}."
        )
    questions = list(questionnaire.questions.order_by("position"))
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, str] = {}
    for question in questions:
        text = "\n".join(
            line.rstrip()
            for line in str(answers.get(question.pk, "")).replace("\r\n", "\n").split("\n")
        ).strip()
        if len(text) > question.max_chars:
            errors[f"answer_{question.pk}"] = [
                f"Question {question.position}: your answer has {len(text):,} characters; "
                f"the limit is {question.max_chars:,}. Please remove {len(text) - question.max_chars:,}."
            ]
        cleaned[question.pk] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _require_standing(candidacy)
        if not questionnaire.contests.filter(pk=candidacy.contest_id).exists():
            raise ValidationError(
                f"{questionnaire.title} was not sent to {candidacy.contest.name}."
            )
        for question in questions:
            text = cleaned[question.pk]
            if text:
                Answer.objects.update_or_create(
                    question=question,
                    candidacy=candidacy,
                    defaults={"text": text, "answered_at": now},
                )
            else:
                Answer.objects.filter(question=question, candidacy=candidacy).delete()
        return Answer.objects.filter(
            question__questionnaire=questionnaire, candidacy=candidacy
        ).count()


# -- Public questions ---------------------------------------------------------------------------


def check_question_limit(member: Member, now: datetime | None = None) -> None:
    """Raise QuestionLimitReached if the member has asked too many questions recently."""
    now = now or timezone.now()
    asked = PublicQuestion.objects.filter(asker=member)
    for allowed, window, span in (
        (QUESTIONS_PER_HOUR, timedelta(hours=1), "an hour"),
        (QUESTIONS_PER_DAY, timedelta(days=1), "a day"),
    ):
        times = list(
            asked.filter(asked_at__gt=now - window)
            .order_by("-asked_at")
            .values_list("asked_at", flat=True)[:allowed]
        )
        if len(times) >= allowed:
            wait = times[-1] + window - now
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            raise QuestionLimitReached(
                {
                    "text": (
                        f"You can ask {allowed} questions {span}. "
                        f"Please wait {minutes} minute(s) before asking another."
                    )
                },
                code="rate_limited",
            )


def do_ask_question(
    actor: User | None,
    member: Member,
    candidacy: Candidacy,
    text: str,
    now: datetime | None = None,
) -> PublicQuestion:
    """Put a member's question to a candidate in public, within the length and rate limits."""
    now = now or timezone.now()
    text = _text(text, field="text", label="your question", limit=QUESTION_MAX_CHARS)
    with transaction.atomic():
        _require_standing(candidacy)
        # The member's row is the lock: two questions at once cannot both slip under the limit.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        check_question_limit(member, now)
        return PublicQuestion.objects.create(
            candidacy=candidacy, asker=member, text=text, asked_at=now
        )


def do_answer_question(
    actor: User | None, question: PublicQuestion, text: str, now: datetime | None = None
) -> None:
    """Publish (or change) the candidate's answer to a public question."""
    text = _text(text, field="answer", label="your answer", limit=QUESTION_ANSWER_MAX_CHARS)
    with transaction.atomic():
        updated = PublicQuestion.objects.filter(pk=question.pk, hidden_at__isnull=True).update(
            answer=text, answered_at=now or timezone.now()
        )
        if not updated:
            raise ValidationError("This question has been hidden by the returning officer.")
    question.answer = text


def do_report_question(
    actor: User | None,
    member: Member,
    question: PublicQuestion,
    reason: str = "",
    now: datetime | None = None,
) -> QuestionReport:
    """Record a member's report that a question is abusive; once per member per question."""
    reason = _text(
        reason, field="reason", label="the reason", limit=REPORT_REASON_MAX_CHARS, required=False
    )
    with transaction.atomic():
        if QuestionReport.objects.filter(question=question, member=member).exists():
            raise ValidationError("You have already reported this question.")
        try:
            with transaction.atomic():
                return QuestionReport.objects.create(
                    question=question,
                    member=member,
                    reason=reason,
                    created_at=now or timezone.now(),
                )
        except IntegrityError:
            raise ValidationError("You have already reported this question.") from None


def do_hide_question(
    actor: User, question: PublicQuestion, reason: str, now: datetime | None = None
) -> None:
    """Hide a public question everywhere, with the returning officer's reason."""
    reason = _line(reason, field="reason", label="a reason", limit=HIDE_REASON_MAX_CHARS)
    now = now or timezone.now()
    with transaction.atomic():
        updated = PublicQuestion.objects.filter(pk=question.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_by=actor, hidden_reason=reason
        )
        if not updated:
            raise ValidationError("This question is already hidden.")
        record_event(
            tags.CAMPAIGN_QUESTION_HIDDEN,
            actor=actor,
            obj=question,
            election=question.candidacy.contest.election,
            data={
                "candidacy": question.candidacy_id,
                "question": question.pk,
                "reason": reason,
                "reports": question.reports.count(),
            },
        )
    question.hidden_at = now
    question.hidden_reason = reason


# -- Report-backs -------------------------------------------------------------------------------


def do_publish_report_back(
    actor: User | None,
    candidacy: Candidacy,
    *,
    title: str,
    meeting_date: date,
    body: str,
    now: datetime | None = None,
) -> ReportBack:
    """Publish an elected representative's report of a meeting and email it to followers."""
    now = now or timezone.now()
    title = _line(title, field="title", label="a title", limit=UPDATE_TITLE_MAX_CHARS)
    body = _text(body, field="body", label="the report", limit=UPDATE_BODY_MAX_CHARS)
    if meeting_date > timezone.localdate(now):
        raise ValidationError({"meeting_date": "The meeting date cannot be in the future."})
    with transaction.atomic():
        _require_standing(candidacy)
        if not is_elected(candidacy):
            raise ValidationError(f"{candidacy.member.name} is not an elected representative.")
        report = ReportBack.objects.create(
            candidacy=candidacy,
            title=title,
            meeting_date=meeting_date,
            body=body,
            published_at=now,
        )
        record_event(
            tags.CAMPAIGN_REPORT_BACK_PUBLISHED,
            actor=actor,
            obj=report,
            election=candidacy.contest.election,
            data={
                "candidacy": candidacy.pk,
                "title": title,
                "meeting_date": meeting_date.isoformat(),
            },
        )
        transaction.on_commit(partial(emails.send_report_back_emails.enqueue, report.pk))
    return report


def do_follow(
    actor: User | None, member: Member, candidacy: Candidacy, now: datetime | None = None
) -> Follow:
    """Start emailing the representative's report-backs to the member, who asked for them."""
    with transaction.atomic():
        existing = Follow.objects.filter(
            candidacy=candidacy, member=member, ended_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        return Follow.objects.create(
            candidacy=candidacy, member=member, created_at=now or timezone.now()
        )


def do_end_follow(actor: User | None, follow: Follow, now: datetime | None = None) -> None:
    """Stop emailing the representative's report-backs to the member."""
    with transaction.atomic():
        Follow.objects.filter(pk=follow.pk, ended_at__isnull=True).update(
            ended_at=now or timezone.now()
        )


def read_subscription(token: str) -> Support | Follow | None:
    """Return the supporter's opt-in or the follow a signed token names, or None if bad."""
    found = emails.read_unsubscribe_token(token)
    if found is None:
        return None
    if found.kind == emails.SUPPORT:
        return Support.objects.select_related("candidacy__member").filter(pk=found.pk).first()
    return Follow.objects.select_related("candidacy__member").filter(pk=found.pk).first()


def do_unsubscribe(token: str, now: datetime | None = None) -> Support | Follow | None:
    """End the email subscription a signed token names; return it, or None if the token is bad."""
    with transaction.atomic():
        found = read_subscription(token)
        if isinstance(found, Support):
            Support.objects.filter(pk=found.pk).update(email_updates=False)
            found.email_updates = False
        elif isinstance(found, Follow) and found.ended_at is None:
            found.ended_at = now or timezone.now()
            found.save(update_fields=["ended_at"])
        return found
