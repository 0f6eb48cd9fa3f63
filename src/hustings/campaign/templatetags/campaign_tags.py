"""Template tags: the campaign sections of a candidate's page, and safe formatting."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from hustings.accounts import access as accounts_access
from hustings.campaign import formatting, queries
from hustings.candidates.models import Candidacy

register = template.Library()

SUPPORTERS_NAMED = 200


@register.filter
def formatted(text: str) -> SafeString:
    """Return text in the small safe formatting subset (paragraphs, lists, bold, italic, links)."""
    return formatting.render(str(text))


@register.inclusion_tag("campaign/partials/sections.html", takes_context=True)
def campaign_sections(context: template.Context, candidacy: Candidacy) -> dict[str, Any]:
    """Render the supporters, updates, questionnaire answers, questions and report-backs."""
    request = context["request"]
    member = accounts_access.member_for(request.user)
    is_owner = member is not None and member.pk == candidacy.member_id
    # The first supporters by date are named, the same number for every candidate; the count
    # covers them all.
    supports = list(queries.current_supports(candidacy)[:SUPPORTERS_NAMED])
    count = queries.support_count(candidacy)
    answers = queries.answers_by_question(candidacy)
    questionnaires = [
        (
            questionnaire,
            [(q, answers.get(q.pk)) for q in questionnaire.questions.all()],
            queries.open_for_answers(questionnaire),
        )
        for questionnaire in queries.questionnaires_for(candidacy)
    ]
    elected = queries.is_elected(candidacy)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "candidacy": candidacy,
        "member": member,
        "is_owner": is_owner,
        "supports": supports,
        "support_count": count,
        "more_supporters": count - len(supports),
        "my_support": queries.support_of(member, candidacy),
        "updates": list(queries.updates_for(candidacy)[:20]),
        "questionnaires": questionnaires,
        "questions": list(queries.questions_for(candidacy)),
        "elected": elected,
        "reports": list(queries.report_backs_for(candidacy)[:3]) if elected else [],
    }
