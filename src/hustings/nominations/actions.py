"""Recording and answering nominations, closing them, and confirming the ballot; each audited.

Views check who may act with the access helpers before calling these; the actions check again and
enforce every nomination rule (the timetable, the unit's scope, the maximum, the balance rule,
standing candidates) whoever calls them. `actor=None` is the system: the demo and commands.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.candidates.models import Candidacy
from hustings.elections.models import BallotOrder, Contest, Election
from hustings.members.models import Gender, Unit, UnitSecretary
from hustings.nominations import rules
from hustings.nominations.models import (
    Affiliate,
    AffiliateNomination,
    BallotConfirmation,
    BallotEntry,
    MeetingKind,
    Nomination,
    NominationsClosure,
    Response,
    ThresholdResult,
    UnitReturn,
)
from hustings.nominations.queries import threshold_statuses

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "Meeting",
    "NominationsClosed",
    "ballot_order",
    "do_close_nominations",
    "do_confirm_ballot",
    "do_create_affiliate",
    "do_record_affiliate_nomination",
    "do_record_unit_nominations",
    "do_respond_to_nomination",
    "do_withdraw_affiliate_nomination",
    "may_record_for_unit",
    "refusals",
]


class NominationsClosed(ValidationError):
    """The timetable does not (or no longer) allow this."""


@dataclass(frozen=True)
class Meeting:
    """The meeting at which a unit decided its nominations."""

    date: date
    kind: str
    attendance: int


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i T")


def _require_officer(actor: User | None) -> None:
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer may do this.")


def may_record_for_unit(actor: User | None, unit: Unit) -> bool:
    """Return whether the actor may record the unit's nominations: its secretary, or staff."""
    if actor is None or is_returning_officer(actor):
        return True
    return UnitSecretary.objects.filter(
        unit=unit, ended_at__isnull=True, member__user_id=actor.pk
    ).exists()


def _require_open(election: Election, now: datetime) -> None:
    if now < election.nominations_open_at:
        raise NominationsClosed(
            f"Nominations for {election.name} open at {_when(election.nominations_open_at)}.",
            code="not-open",
        )
    if now >= election.nominations_close_at:
        raise NominationsClosed(
            f"Nominations for {election.name} closed at {_when(election.nominations_close_at)}; "
            "nothing was recorded.",
            code="closed",
        )


def _check_meeting(meeting: Meeting, now: datetime) -> list[str]:
    problems = []
    if meeting.kind not in MeetingKind.values:
        kinds = " or ".join(f"“{label}”" for label in MeetingKind.labels)
        problems.append(f"The meeting must be a {kinds}.")
    if meeting.date > timezone.localdate(now):
        problems.append("The meeting date is in the future: record nominations after the meeting.")
    if meeting.attendance < 1:
        problems.append("Say how many members attended the meeting (at least 1).")
    return problems


def _balance(contest: Contest) -> rules.BalanceRule | None:
    if not contest.nomination_balance_gender:
        return None
    label = Gender(contest.nomination_balance_gender).label
    plural = {"woman": "women", "man": "men"}.get(label, label)
    return rules.BalanceRule(
        gender=contest.nomination_balance_gender,
        label=plural,
        only_when_full=contest.nomination_balance_only_when_full,
    )


def _check_candidacies(contest: Contest, candidacies: Sequence[Candidacy]) -> list[str]:
    problems = []
    seen: set[int] = set()
    for candidacy in candidacies:
        name = candidacy.member.name
        if candidacy.pk in seen:
            problems.append(f"{name} is nominated more than once.")
        seen.add(candidacy.pk)
        if candidacy.contest_id != contest.pk:
            problems.append(f"{name} is not a declared candidate in {contest.name}.")
        elif candidacy.withdrawn_at is not None:
            problems.append(f"{name} has withdrawn from {contest.name}.")
        elif candidacy.removed_at is not None:
            problems.append(f"{name} is no longer a candidate in {contest.name}.")
    return problems


def refusals(
    unit: Unit,
    contest: Contest,
    candidacies: Sequence[Candidacy],
    meeting: Meeting,
    votes: Mapping[int, int],
    now: datetime,
) -> tuple[list[Candidacy], list[str]]:
    """Return the candidacies as stored now, and every rule the unit's return would break."""
    problems: list[str] = []
    if contest.region_id is not None and unit.region_id != contest.region_id:
        problems.append(
            f"{contest.name} takes nominations only from units in {contest.region}; "
            f"{unit.name} is in {unit.region}."
        )
    fresh = list(
        Candidacy.objects.filter(pk__in=[c.pk for c in candidacies]).select_related("member")
    )
    by_pk = {c.pk: c for c in fresh}
    current = [by_pk.get(c.pk, c) for c in candidacies]
    problems += _check_candidacies(contest, current)
    problems += _check_meeting(meeting, now)
    nominated = {c.pk for c in current}
    for pk, count in votes.items():
        if pk not in nominated:
            problems.append("Votes were given for a candidate the unit did not nominate.")
        elif count < 0 or count > meeting.attendance:
            problems.append(
                f"{by_pk[pk].member.name}'s votes must be between 0 and the "
                f"{meeting.attendance} members attending."
            )
    problems += rules.unit_return_problems(
        [c.member.gender for c in current],
        maximum=contest.max_nominations_per_unit,
        balance=_balance(contest),
    )
    return current, problems


def do_record_unit_nominations(
    actor: User | None,
    unit: Unit,
    contest: Contest,
    candidacies: Sequence[Candidacy],
    *,
    meeting: Meeting,
    votes: Mapping[int, int] | None = None,
    recorded_via: str = "",
    now: datetime | None = None,
) -> UnitReturn:
    """Record a unit's nominations in a contest, replacing any it made before, all or nothing."""
    if not may_record_for_unit(actor, unit):
        raise PermissionDenied(f"Only the secretary of {unit.name} can record its nominations.")
    election = contest.election
    votes = dict(votes or {})
    with transaction.atomic():
        # Lock the unit's row: a second submission for this unit waits here until the first has
        # committed, then replaces it, so two can never both become current.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        moment = now or timezone.now()
        _require_open(election, moment)
        current, problems = refusals(unit, contest, candidacies, meeting, votes, moment)
        if problems:
            raise ValidationError(problems, code="refused")

        previous = UnitReturn.objects.filter(
            unit=unit, contest=contest, superseded_at__isnull=True
        ).first()
        answers: dict[int, tuple[str, datetime | None]] = {}
        before: list[int] = []
        if previous is not None:
            for old in previous.nominations.all():
                before.append(old.candidacy_id)
                answers[old.candidacy_id] = (old.response, old.responded_at)
            previous.superseded_at = moment
            previous.save(update_fields=["superseded_at"])
        unit_return = UnitReturn.objects.create(
            unit=unit,
            contest=contest,
            meeting_date=meeting.date,
            meeting_kind=meeting.kind,
            attendance=meeting.attendance,
            recorded_by=actor,
            recorded_via=recorded_via,
            recorded_at=moment,
        )
        # A candidate's answer stays with the unit's nomination of them across corrections.
        Nomination.objects.bulk_create(
            Nomination(
                unit_return=unit_return,
                unit=unit,
                contest=contest,
                candidacy=candidacy,
                votes=votes.get(candidacy.pk),
                response=answers.get(candidacy.pk, ("", None))[0],
                responded_at=answers.get(candidacy.pk, ("", None))[1],
            )
            for candidacy in current
        )
        record_event(
            tags.UNIT_NOMINATIONS_RECORDED,
            actor=actor,
            obj=unit_return,
            election=election,
            actor_label=recorded_via or None,
            data={
                "unit": unit.code,
                "contest": contest.slug,
                "candidacies": [c.pk for c in current],
                "before": sorted(before) if previous is not None else None,
                "replaces": previous.pk if previous is not None else None,
                "meeting": {
                    "date": meeting.date.isoformat(),
                    "kind": meeting.kind,
                    "attendance": meeting.attendance,
                },
                "votes": {str(pk): count for pk, count in votes.items()},
                "on_behalf": actor is None or is_returning_officer(actor),
            },
        )
    return unit_return


# -- Affiliates --------------------------------------------------------------------------------


def do_create_affiliate(
    actor: User | None, name: str, *, slug: str = "", now: datetime | None = None
) -> Affiliate:
    """Create an affiliated organisation that may nominate (returning officer only)."""
    _require_officer(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "An affiliate needs a name."})
    with transaction.atomic():
        affiliate = Affiliate(
            name=name, slug=slug or slugify(name)[:100], created_at=now or timezone.now()
        )
        affiliate.full_clean()
        affiliate.save()
        record_event(
            tags.AFFILIATE_CREATED,
            actor=actor,
            obj=affiliate,
            data={"name": affiliate.name, "slug": affiliate.slug},
        )
    return affiliate


def do_record_affiliate_nomination(
    actor: User | None,
    affiliate: Affiliate,
    candidacy: Candidacy,
    *,
    now: datetime | None = None,
) -> AffiliateNomination:
    """Record an affiliate's nomination of a candidate, while nominations are open (staff)."""
    _require_officer(actor)
    contest = candidacy.contest
    with transaction.atomic():
        Candidacy.objects.select_for_update().filter(pk=candidacy.pk).first()
        candidacy.refresh_from_db()
        moment = now or timezone.now()
        _require_open(contest.election, moment)
        if not contest.affiliates_may_nominate:
            raise ValidationError(f"Affiliates do not nominate in {contest.name}.")
        problems = _check_candidacies(contest, [candidacy])
        if problems:
            raise ValidationError(problems)
        if AffiliateNomination.objects.filter(
            affiliate=affiliate, candidacy=candidacy, withdrawn_at__isnull=True
        ).exists():
            raise ValidationError(
                f"{affiliate.name} has already nominated {candidacy.member.name}."
            )
        nomination = AffiliateNomination.objects.create(
            affiliate=affiliate,
            contest=contest,
            candidacy=candidacy,
            recorded_by=actor,
            recorded_at=moment,
        )
        record_event(
            tags.AFFILIATE_NOMINATION_RECORDED,
            actor=actor,
            obj=nomination,
            election=contest.election,
            data={"affiliate": affiliate.slug, "contest": contest.slug, "candidacy": candidacy.pk},
        )
    return nomination


def do_withdraw_affiliate_nomination(
    actor: User | None, nomination: AffiliateNomination, *, now: datetime | None = None
) -> AffiliateNomination:
    """Withdraw an affiliate's nomination (it stays on record), while nominations are open."""
    _require_officer(actor)
    moment = now or timezone.now()
    _require_open(nomination.contest.election, moment)
    if nomination.withdrawn_at is not None:
        return nomination
    with transaction.atomic():
        nomination.withdrawn_at = moment
        nomination.save(update_fields=["withdrawn_at"])
        record_event(
            tags.AFFILIATE_NOMINATION_WITHDRAWN,
            actor=actor,
            obj=nomination,
            election=nomination.contest.election,
            data={"affiliate": nomination.affiliate.slug, "candidacy": nomination.candidacy_id},
        )
    return nomination


# -- Candidates' answers -----------------------------------------------------------------------


def do_respond_to_nomination(
    actor: User | None,
    nomination: Nomination | AffiliateNomination,
    accept: bool,
    *,
    now: datetime | None = None,
) -> Nomination | AffiliateNomination:
    """Accept or decline a nomination as the candidate, until nominations close."""
    candidacy = nomination.candidacy
    member = candidacy.member
    if (
        actor is not None
        and not is_returning_officer(actor)
        and (member.user_id is None or member.user_id != actor.pk)
    ):
        raise PermissionDenied("Only the candidate may accept or decline their nominations.")
    moment = now or timezone.now()
    election = nomination.contest.election
    if moment >= election.nominations_close_at:
        raise NominationsClosed(
            f"Nominations closed at {_when(election.nominations_close_at)}; answers can no "
            "longer be changed.",
            code="closed",
        )
    if not candidacy.is_standing():
        raise ValidationError("This candidacy has been withdrawn.")
    if isinstance(nomination, Nomination):
        if nomination.unit_return.superseded_at is not None:
            raise ValidationError("The unit has since replaced this nomination.")
        source = {"unit": nomination.unit.code}
    else:
        if nomination.withdrawn_at is not None:
            raise ValidationError("The affiliate has withdrawn this nomination.")
        source = {"affiliate": nomination.affiliate.slug}
    response = Response.ACCEPTED if accept else Response.DECLINED
    if nomination.response == response:
        return nomination
    with transaction.atomic():
        before = nomination.response
        nomination.response = response
        nomination.responded_at = moment
        nomination.save(update_fields=["response", "responded_at"])
        record_event(
            tags.NOMINATION_ACCEPTED if accept else tags.NOMINATION_DECLINED,
            actor=actor,
            obj=nomination,
            election=election,
            data={"candidacy": candidacy.pk, "before": before, **source},
        )
    return nomination


# -- The close and the ballot ------------------------------------------------------------------


def do_close_nominations(
    actor: User | None, election: Election, *, now: datetime | None = None
) -> NominationsClosure:
    """Close nominations at or after the deadline, fixing each candidate's threshold status."""
    _require_officer(actor)
    moment = now or timezone.now()
    if moment < election.nominations_close_at:
        raise NominationsClosed(
            f"Nominations for {election.name} close at {_when(election.nominations_close_at)}; "
            "they cannot be closed early.",
            code="not-yet",
        )
    with transaction.atomic():
        # Lock the election so two closes cannot both pass the "not yet closed" check.
        Election.objects.select_for_update().filter(pk=election.pk).first()
        if NominationsClosure.objects.filter(election=election).exists():
            raise ValidationError(f"Nominations for {election.name} have already been closed.")
        closure = NominationsClosure.objects.create(
            election=election, closed_at=moment, closed_by=actor
        )
        summary: dict[str, dict[str, list[int]]] = {}
        results = []
        for contest in election.contests.all():
            met: list[int] = []
            short: list[int] = []
            for candidacy, units, affiliates, status in threshold_statuses(contest):
                results.append(
                    ThresholdResult(
                        closure=closure,
                        candidacy=candidacy,
                        units=units,
                        affiliates=affiliates,
                        met=status.met,
                        reason=status.reason,
                    )
                )
                (met if status.met else short).append(candidacy.pk)
            summary[contest.slug] = {"met": met, "short": short}
        ThresholdResult.objects.bulk_create(results)
        record_event(
            tags.NOMINATIONS_CLOSED,
            actor=actor,
            obj=closure,
            election=election,
            data={"contests": summary},
        )
    return closure


def surname_key(name: str) -> tuple[str, str]:
    """Return the sort key of a name by surname: its last word, then the whole name."""
    words = name.split()
    return (words[-1].casefold() if words else "", name.casefold())


def ballot_order(candidacies: Sequence[Candidacy], order: str, seed: str = "") -> list[Candidacy]:
    """Return candidacies in ballot order: by surname, or by lot from the seed."""
    ordered = sorted(
        candidacies, key=lambda c: (*surname_key(c.member.name), c.member.membership_number)
    )
    if order == BallotOrder.LOT:
        # Shuffle from the surname order so the draw depends only on the seed and who stands.
        random.Random(seed).shuffle(ordered)
    elif order != BallotOrder.SURNAME:
        raise ValueError(f"unknown ballot order {order!r}")
    return ordered


def do_confirm_ballot(
    actor: User | None, contest: Contest, *, now: datetime | None = None
) -> BallotConfirmation:
    """Fix a contest's ballot list after the close: candidates who met the threshold and stand."""
    _require_officer(actor)
    election = contest.election
    with transaction.atomic():
        Contest.objects.select_for_update().filter(pk=contest.pk).first()
        if not NominationsClosure.objects.filter(election=election).exists():
            raise ValidationError(
                f"Close nominations for {election.name} before confirming a ballot."
            )
        if BallotConfirmation.objects.filter(contest=contest).exists():
            raise ValidationError(f"The ballot for {contest.name} has already been confirmed.")
        qualified = list(
            Candidacy.objects.standing()
            .filter(contest=contest, threshold_result__met=True)
            .select_related("member")
        )
        seed = secrets.token_hex(16) if contest.ballot_order == BallotOrder.LOT else ""
        ordered = ballot_order(qualified, contest.ballot_order, seed)
        ballot = BallotConfirmation.objects.create(
            contest=contest,
            confirmed_at=now or timezone.now(),
            confirmed_by=actor,
            order=contest.ballot_order,
            seed=seed,
        )
        BallotEntry.objects.bulk_create(
            BallotEntry(ballot=ballot, candidacy=candidacy, position=position)
            for position, candidacy in enumerate(ordered, start=1)
        )
        record_event(
            tags.BALLOT_CONFIRMED,
            actor=actor,
            obj=ballot,
            election=election,
            data={
                "contest": contest.slug,
                "order": contest.ballot_order,
                "seed": seed,
                "candidacies": [c.pk for c in ordered],
            },
        )
    return ballot
