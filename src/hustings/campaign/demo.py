"""The campaign in the demonstration: supporters, updates, a questionnaire, questions, reports.

Everything goes through the real actions, so limits hold and the audit log reads as it would in
use. Every candidate gets the same features; how much each one uses them varies, as in life.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from hustings.accounts.models import StaffRole, User
from hustings.campaign.actions import (
    do_answer_question,
    do_answer_questionnaire,
    do_ask_question,
    do_moderate_quote,
    do_post_update,
    do_publish_report_back,
    do_register_questionnaire,
    do_support,
)
from hustings.candidates.models import Candidacy
from hustings.elections.models import Election
from hustings.members.models import Member

__all__ = ["add_demo_campaign", "add_demo_report_backs"]

QUOTES = (
    "{name} stood with us when the library was threatened. I trust them.",
    "I have campaigned alongside {name} for years: hard-working and honest.",
    "{name} listens to members, not just the leadership.",
    "Our local party would not exist without people like {name}.",
    "A strong voice for our region on the national stage.",
    "{name} explains policy in a way people can actually follow.",
)
UPDATES = (
    (
        "Thank you, {unit}",
        "Thank you to everyone at **{unit}** who came to last night's meeting. "
        "Your questions on housing and local democracy shaped my priorities.\n\n"
        "- More money for local campaigning\n- Open selections\n- Policy made by conference",
    ),
    (
        "On the road this week",
        "This week I am visiting local parties across the region. If your unit would like a "
        "visit, get in touch through my [campaign website](https://example.org/).",
    ),
    (
        "Why I am asking for your nomination",
        "Nominations close soon. I am asking units to nominate me because members deserve "
        "*a real say* in how the party is run.",
    ),
)
QUESTIONNAIRE = (
    "Women's Network",
    "Equality and representation",
    (
        ("How will you support more women to stand for office at every level?", 600),
        ("What should the party do about harassment at meetings and online?", 600),
        ("Will you publish a report of every NEC meeting you attend?", 300),
    ),
)
ANSWERS = (
    "Mentoring and childcare support for every woman selected as a candidate, paid for nationally.",
    "A clear code of conduct, enforced quickly and independently, with support for complainants.",
    "Yes: within a week of every meeting, on this site, for every member to read.",
    "I will work with the Women's Network to set targets and report progress every year.",
)
QUESTIONS = (
    "What would you change first about how policy is made?",
    "How will you keep in touch with members in our region if elected?",
    "Do you support one member, one vote for every internal election?",
    "What is your view on the party's finances and staff cuts?",
    "Will you hold surgeries for members outside London?",
)
QUESTION_ANSWERS = (
    "Conference should decide policy, and the NPF should report to it in full every year.",
    "A monthly newsletter, an open meeting every quarter, and a report-back after every meeting.",
)
REPORTS = (
    (
        "First NEC meeting",
        "We agreed the **timetable** for the policy review and heard the general secretary's "
        "report on finances.\n\n- Membership is up 3%\n- Two regional offices will reopen",
    ),
    (
        "Organisation committee",
        "The committee discussed selections and agreed to consult local parties before any "
        "rule change. I argued for *open* selections; the vote is next month.",
    ),
)


def _officer() -> User | None:
    return (
        User.objects.filter(staff_role=StaffRole.RETURNING_OFFICER, is_active=True)
        .order_by("pk")
        .first()
    )


def add_demo_campaign(
    election: Election,
    rng: random.Random,
    *,
    now: datetime | None = None,
    max_supporters: int = 8,
) -> None:
    """Add supporters (some quotes approved), updates, a questionnaire and a few questions."""
    now = now or timezone.now()
    officer = _officer()
    candidacies = list(
        Candidacy.objects.standing()
        .with_people()
        .filter(contest__election=election)
        .order_by("contest__position", "member__name", "pk")
    )
    if not candidacies:
        return
    standing = {c.member_id for c in candidacies}
    pool = list(Member.objects.exclude(pk__in=standing).exclude(email="").order_by("pk")[:3000])
    supporters_used: set[int] = set()
    for index, candidacy in enumerate(candidacies):
        name = candidacy.member.name
        unit = candidacy.member.unit.name
        count = rng.randint(1, max_supporters)
        for member in rng.sample(pool, min(count, len(pool))):
            if member.pk in supporters_used and rng.random() < 0.7:
                continue
            supporters_used.add(member.pk)
            quote = rng.choice(QUOTES).format(name=name) if rng.random() < 0.4 else ""
            support = do_support(None, member, candidacy, quote=quote, now=now)
            # Most quotes have been moderated; a few still wait, to show the queue.
            if quote and officer is not None and rng.random() < 0.75:
                do_moderate_quote(officer, support, approve=True, now=now)
        for number in range(rng.randint(0, 2)):
            title, body = UPDATES[(index + number) % len(UPDATES)]
            do_post_update(
                None,
                candidacy,
                title=title.format(unit=unit),
                body=body.format(unit=unit),
                now=now - timedelta(days=3 - number, hours=rng.randint(0, 12)),
            )

    national = [c for c in candidacies if c.contest.region_id is None]
    contests = sorted({c.contest_id for c in national}) or [candidacies[0].contest_id]
    group, title, questions = QUESTIONNAIRE
    questionnaire = do_register_questionnaire(
        officer,
        election,
        group_name=group,
        title=title,
        deadline=max(election.nominations_close_at, now + timedelta(days=7)),
        contests=election.contests.filter(pk__in=contests),
        questions=list(questions),
        now=now - timedelta(days=5),
    )
    ordered = list(questionnaire.questions.order_by("position"))
    for candidacy in candidacies:
        if candidacy.contest_id not in contests or rng.random() < 0.25:
            continue
        answers = {q.pk: rng.choice(ANSWERS)[: q.max_chars] for q in ordered}
        do_answer_questionnaire(None, candidacy, questionnaire, answers, now=now)

    asked = (national or candidacies)[: len(QUESTIONS)]
    askers = [m for m in pool if m.pk not in supporters_used][: len(asked)] or pool[: len(asked)]
    for number, (candidacy, asker) in enumerate(zip(asked, askers, strict=False)):
        question = do_ask_question(
            None, asker, candidacy, QUESTIONS[number], now=now - timedelta(hours=number + 1)
        )
        if number < len(QUESTION_ANSWERS):
            do_answer_question(None, question, QUESTION_ANSWERS[number], now=now)


def add_demo_report_backs(
    election: Election, rng: random.Random, *, now: datetime | None = None
) -> int:
    """Publish report-backs for some of the election's winners; return how many were published."""
    from hustings.results.queries import elected_candidacies

    now = now or timezone.now()
    published = 0
    winners = elected_candidacies(election).select_related("member", "contest__election")
    for candidacy in winners.order_by("contest__position", "member__name", "pk"):
        if not candidacy.is_standing() or rng.random() < 0.3:
            continue
        for number, (title, body) in enumerate(REPORTS[: rng.randint(1, len(REPORTS))]):
            do_publish_report_back(
                None,
                candidacy,
                title=title,
                meeting_date=timezone.localdate(now) - timedelta(days=7 * (len(REPORTS) - number)),
                body=body,
                now=now,
            )
            published += 1
    return published
