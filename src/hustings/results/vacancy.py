"""Casual vacancies: fill an elected member's seat from the same ballots, as an amendment.

The rule (docs/results.md): the ballots are counted again under the contest's own method with the
departing member withdrawn and every remaining member guarded, that is, bound to be elected, by
a representation rule on a `sitting` attribute; the contest's own representation rules still
apply. For a block vote this elects the highest-placed candidate not elected whose election keeps
the representation rules satisfied alongside the remaining members; for STV it is I. D. Hill's
recount with the vacating member withdrawn and the continuing members guarded ("Casual vacancies
and the Meek method", Voting matters), applied under each STV rule set. The count is an ordinary
count of the library, so anyone can repeat it with `hustings count` from the published files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.candidates.models import Candidacy
from hustings.counting import CountError
from hustings.elections.models import Contest
from hustings.results.actions import require_officer
from hustings.results.counting import count_contest
from hustings.results.models import (
    Count,
    CountKind,
    CountStatus,
    Publication,
    PublicationKind,
    Vacancy,
)
from hustings.results.queries import original_publication, published_result

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = ["do_record_vacancy"]


def do_record_vacancy(
    actor: User | None, contest: Contest, candidacy: Candidacy, reason: str
) -> Vacancy:
    """Record that an elected member stood down, fill the seat, and publish it as an amendment.

    When no candidate is left who could fill the seat within the representation rules, the
    vacancy is recorded unfilled (`filled_by` None) and nothing new is published.
    """
    require_officer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the seat is vacant (e.g. the member resigned on 1 May).")
    election = contest.election
    if original_publication(election) is None:
        raise ValidationError("A seat can fall vacant only after the results are published.")
    current = published_result(contest)
    if current is None or candidacy.pk not in current.elected_ids:
        raise ValidationError(f"{candidacy.name} does not hold a seat in {contest.name}.")
    if Vacancy.objects.filter(candidacy=candidacy).exists():
        raise ValidationError(f"{candidacy.name} has already stood down.")
    sitting = [pk for pk in current.elected_ids if pk != candidacy.pk]
    withdrawn = sorted({*current.withdrawn_ids, candidacy.pk})
    now = timezone.now()
    seed = current.count.seed
    fillable = set(current.candidacy_ids) - set(sitting) - set(withdrawn)
    result = None
    refusal = ""
    if not fillable:
        refusal = "no candidate who was not elected is left"
    else:
        try:
            result = count_contest(contest, seed, withdrawn=withdrawn, sitting=sitting)
        except CountError as error:
            # Chiefly InfeasibleConstraints: nobody left can keep the representation rules.
            refusal = str(error)
    with transaction.atomic():
        vacancy = Vacancy(
            contest=contest,
            candidacy=candidacy,
            reason=reason,
            recorded_at=now,
            recorded_by=actor,
        )
        publication = None
        if result is not None:
            count = Count.objects.create(
                election=election,
                kind=CountKind.VACANCY,
                status=CountStatus.DONE,
                seed=seed,
                started_at=now,
                started_by=actor,
                finished_at=timezone.now(),
                repeats=current.count,
                spoilt=current.count.spoilt,
            )
            result.count = count
            result.save()
            filled = [pk for pk in result.elected_ids if pk not in sitting]
            vacancy.result = result
            vacancy.filled_by_id = filled[0] if filled else None
            publication = Publication.objects.create(
                election=election,
                count=count,
                kind=PublicationKind.AMENDMENT,
                published_at=timezone.now(),
                published_by=actor,
                note=_note(candidacy, vacancy.filled_by_id, contest),
            )
            vacancy.publication = publication
        vacancy.save()
        record_event(
            tags.RESULTS_VACANCY_RECORDED,
            actor=actor,
            obj=vacancy,
            election=election,
            data={
                "contest": contest.pk,
                "stood_down": candidacy.pk,
                "reason": reason,
                "filled_by": vacancy.filled_by_id,
                "unfilled_because": refusal,
            },
        )
        if publication is not None:
            assert result is not None
            record_event(
                tags.RESULTS_AMENDMENT_PUBLISHED,
                actor=actor,
                obj=publication,
                election=election,
                data={
                    "count": publication.count_id,
                    "contest": contest.pk,
                    "elected": result.elected_ids,
                    "blt_sha256": result.blt_sha256,
                    "result_sha256": result.result_sha256,
                },
            )
    return vacancy


def _note(departed: Candidacy, filled_by: int | None, contest: Contest) -> str:
    """Return the amendment's note in words."""
    if filled_by is None:
        return f"{departed.name} stood down from {contest.name}."
    successor = Candidacy.objects.select_related("member").get(pk=filled_by)
    return f"{departed.name} stood down from {contest.name}; {successor.name} fills the seat."
