"""The comparison table: one row per topic, one cell per candidate, in the same order each row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hustings.campaign.models import Question
from hustings.campaign.queries import answers_for
from hustings.elections.models import Contest
from hustings.guide.queries import Card

Kind = Literal["text", "list"]


@dataclass(frozen=True)
class Cell:
    """One candidate's answer on one topic; None when they published nothing on it."""

    name: str
    value: str | list[str] | None


@dataclass(frozen=True)
class Row:
    """One topic of the comparison: a heading and each candidate's answer, in column order."""

    topic: str
    kind: Kind
    cells: list[Cell]
    # Where the topic comes from, when not the candidates' own pages: a group's questionnaire.
    source: str = ""
    missing: str = "Nothing published"


def _listed(items: object) -> list[str] | None:
    # Stored as a JSON list by the candidates' form; anything else shows as nothing said.
    if not isinstance(items, list):
        return None
    kept = [str(item) for item in items if str(item).strip()]
    return kept or None


def compare_rows(cards: Sequence[Card]) -> list[Row]:
    """Return the rows of what each candidate published, topic by topic."""
    people = [card.candidacy for card in cards]
    return [
        Row("Statement", "text", [Cell(c.name, c.statement or None) for c in people]),
        Row("Why I am standing", "text", [Cell(c.name, c.why_standing or None) for c in people]),
        Row("Experience", "list", [Cell(c.name, _listed(c.experience)) for c in people]),
        Row("Priorities", "list", [Cell(c.name, _listed(c.priorities)) for c in people]),
    ]


def questionnaire_rows(contest: Contest, cards: Sequence[Card]) -> list[Row]:
    """Return a row for every question sent to the contest, with each candidate's answer."""
    questions = list(
        Question.objects.filter(questionnaire__contests=contest)
        .select_related("questionnaire")
        .order_by("questionnaire__deadline", "questionnaire_id", "position")
    )
    if not questions:
        return []
    answered = {
        (candidacy_id, question.pk): answer.text
        for candidacy_id, pairs in answers_for([card.candidacy for card in cards]).items()
        for question, answer in pairs
    }
    return [
        Row(
            question.text,
            "text",
            [Cell(card.name, answered.get((card.pk, question.pk)) or None) for card in cards],
            source=f"{question.questionnaire.group_name}: {question.questionnaire.title}",
            missing="No answer",
        )
        for question in questions
    ]
