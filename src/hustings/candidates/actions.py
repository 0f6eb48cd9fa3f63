"""Declaring, editing and withdrawing candidacies, and building slates; each one audited.

Views check who may act with the access helpers before calling these; the actions check again, and
enforce the election's rules (timetable, eligibility, word limits) whoever calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.candidates import text
from hustings.candidates.models import Candidacy, Slate, SlateMembership
from hustings.candidates.photos import process_photo
from hustings.elections.models import Contest, Election
from hustings.members.models import Member

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "CandidacyClosed",
    "do_confirm_slate_membership",
    "do_create_slate",
    "do_declare_candidacy",
    "do_end_slate_membership",
    "do_propose_slate_membership",
    "do_remove_candidacy",
    "do_staff_edit_candidacy",
    "do_update_candidacy",
    "do_withdraw_candidacy",
]

# What a candidate writes; the photo is handled apart because it is a file.
CONTENT_FIELDS = ("statement", "why_standing", "experience", "priorities", "links")
UNSET: Any = object()


class CandidacyClosed(ValidationError):
    """The timetable no longer (or does not yet) allow this change."""


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %H:%M}"


def _require_member_or_officer(actor: User | None, member: Member) -> None:
    # None is the system itself: the demo builder and management commands.
    if actor is None or is_returning_officer(actor):
        return
    if member.user_id is None or member.user_id != actor.pk:
        raise PermissionDenied("Only the candidate may do this.")


def _require_officer(actor: User | None) -> None:
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer may do this.")


def _clean_content(contest: Contest, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return the given content fields checked and normalised; raise on the first bad one."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "statement": lambda v: text.check_statement(v, contest.statement_word_limit),
        "why_standing": lambda v: text.clean_text(v, field="why_standing"),
        "experience": lambda v: text.clean_list(v, field="experience"),
        "priorities": lambda v: text.clean_list(v, field="priorities"),
        "links": text.clean_links,
    }
    for name, value in fields.items():
        if value is UNSET:
            continue
        if name not in checks:
            raise TypeError(f"{name!r} is not something a candidate publishes")
        try:
            cleaned[name] = checks[name](value)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_photo(candidacy: Candidacy, photo: IO[bytes] | None) -> None:
    """Store a new photo (or none); the old file goes only once the change has committed."""
    old = candidacy.photo.name if candidacy.photo else ""
    processed = process_photo(photo) if photo is not None else None
    if processed is not None:
        candidacy.photo.save("photo.jpg", processed, save=False)
    else:
        candidacy.photo = None
    if old:
        storage = candidacy.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def _changes(candidacy: Candidacy, cleaned: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [getattr(candidacy, name), value]
        for name, value in cleaned.items()
        if getattr(candidacy, name) != value
    }


def do_declare_candidacy(
    actor: User | None,
    member: Member,
    contest: Contest,
    *,
    statement: str,
    why_standing: str = "",
    experience: Iterable[str] = (),
    priorities: Iterable[str] = (),
    links: Iterable[Mapping[str, str]] = (),
    photo: IO[bytes] | None = None,
    now: datetime | None = None,
) -> Candidacy:
    """Declare a member a candidate in a contest, while declarations are open."""
    _require_member_or_officer(actor, member)
    now = now or timezone.now()
    election = contest.election
    if not election.declarations_open(now):
        if now < election.declarations_open_at:
            message = f"Declarations for {election} open on {_when(election.declarations_open_at)}."
        else:
            message = (
                f"Declarations for {election} closed on {_when(election.nominations_close_at)}."
            )
        raise CandidacyClosed(message, code="closed")
    reasons = election.reasons_member_may_not_stand(member, contest, timezone.localdate(now))
    if reasons:
        raise ValidationError(reasons, code="ineligible")
    cleaned = _clean_content(
        contest,
        {
            "statement": statement,
            "why_standing": why_standing,
            "experience": list(experience),
            "priorities": list(priorities),
            "links": list(links),
        },
    )
    with transaction.atomic():
        # Lock the member's row so two simultaneous declarations cannot both pass the check.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if Candidacy.objects.standing().filter(member=member, contest=contest).exists():
            raise ValidationError(f"You are already standing for {contest}.", code="duplicate")
        candidacy = Candidacy(
            contest=contest, member=member, declared_at=now, updated_at=now, **cleaned
        )
        _store_photo(candidacy, photo)
        candidacy.save()
        record_event(
            tags.CANDIDACY_DECLARED,
            actor=actor,
            obj=candidacy,
            election=election,
            data={
                "contest": contest.slug,
                "member": member.membership_number,
                "statement_words": text.count_words(candidacy.statement),
                "photo": bool(candidacy.photo),
            },
        )
    return candidacy


def _apply(
    actor: User | None,
    candidacy: Candidacy,
    fields: Mapping[str, Any],
    photo: IO[bytes] | Any | None,
    tag: str,
    now: datetime,
    extra: Mapping[str, Any],
) -> Candidacy:
    cleaned = _clean_content(candidacy.contest, fields)
    with transaction.atomic():
        changes = _changes(candidacy, cleaned)
        for name, value in cleaned.items():
            setattr(candidacy, name, value)
        if photo is not UNSET:
            _store_photo(candidacy, photo)
            changes["photo"] = ["replaced" if photo is not None else "removed", ""]
        if not changes:
            return candidacy
        candidacy.updated_at = now
        candidacy.save()
        record_event(
            tag,
            actor=actor,
            obj=candidacy,
            election=candidacy.contest.election,
            data={"changed": changes, **extra},
        )
    return candidacy


def do_update_candidacy(
    actor: User | None,
    candidacy: Candidacy,
    *,
    statement: str = UNSET,
    why_standing: str = UNSET,
    experience: Iterable[str] = UNSET,
    priorities: Iterable[str] = UNSET,
    links: Iterable[Mapping[str, str]] = UNSET,
    photo: IO[bytes] | None = UNSET,
    now: datetime | None = None,
) -> Candidacy:
    """Change what a candidate publishes, until nominations close; pass only what changes."""
    _require_member_or_officer(actor, candidacy.member)
    now = now or timezone.now()
    election = candidacy.contest.election
    if not candidacy.is_standing():
        raise CandidacyClosed("This candidacy has been withdrawn.", code="withdrawn")
    if not election.candidacies_editable(now):
        raise CandidacyClosed(
            f"Statements can no longer be changed: nominations closed on "
            f"{_when(election.nominations_close_at)}."
            if now >= election.nominations_close_at
            else f"Declarations for {election} are not open yet.",
            code="closed",
        )
    fields = {
        "statement": statement,
        "why_standing": why_standing,
        "experience": list(experience) if experience is not UNSET else UNSET,
        "priorities": list(priorities) if priorities is not UNSET else UNSET,
        "links": list(links) if links is not UNSET else UNSET,
    }
    return _apply(actor, candidacy, fields, photo, tags.CANDIDACY_UPDATED, now, {})


def do_staff_edit_candidacy(
    actor: User | None,
    candidacy: Candidacy,
    *,
    reason: str,
    now: datetime | None = None,
    photo: IO[bytes] | None = UNSET,
    **fields: Any,
) -> Candidacy:
    """Let the returning officer correct a candidacy at any time, saying why."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the candidacy is being changed."})
    for name in ("experience", "priorities", "links"):
        if name in fields:
            fields[name] = list(fields[name])
    return _apply(
        actor,
        candidacy,
        fields,
        photo,
        tags.CANDIDACY_STAFF_EDITED,
        now or timezone.now(),
        {"reason": reason.strip()},
    )


def do_withdraw_candidacy(
    actor: User | None, candidacy: Candidacy, *, now: datetime | None = None
) -> Candidacy:
    """Withdraw a candidacy at the candidate's request, until the ballot opens."""
    _require_member_or_officer(actor, candidacy.member)
    now = now or timezone.now()
    election = candidacy.contest.election
    if not candidacy.is_standing():
        raise CandidacyClosed("This candidacy has already been withdrawn.", code="withdrawn")
    if not election.withdrawals_open(now):
        raise CandidacyClosed(
            f"Withdrawals closed when the ballot opened on {_when(election.ballot_open_at)}; "
            "contact the returning officer.",
            code="closed",
        )
    with transaction.atomic():
        candidacy.withdrawn_at = now
        candidacy.save(update_fields=["withdrawn_at"])
        SlateMembership.objects.filter(candidacy=candidacy, ended_at__isnull=True).update(
            ended_at=now
        )
        record_event(
            tags.CANDIDACY_WITHDRAWN,
            actor=actor,
            obj=candidacy,
            election=election,
            data={"contest": candidacy.contest.slug},
        )
    return candidacy


def do_remove_candidacy(
    actor: User | None, candidacy: Candidacy, *, reason: str, now: datetime | None = None
) -> Candidacy:
    """Remove a candidacy as the returning officer (for example, the member is ineligible)."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the candidacy is being removed."})
    if not candidacy.is_standing():
        raise CandidacyClosed("This candidacy is no longer standing.", code="withdrawn")
    now = now or timezone.now()
    with transaction.atomic():
        candidacy.removed_at = now
        candidacy.removal_reason = reason.strip()
        candidacy.save(update_fields=["removed_at", "removal_reason"])
        SlateMembership.objects.filter(candidacy=candidacy, ended_at__isnull=True).update(
            ended_at=now
        )
        record_event(
            tags.CANDIDACY_REMOVED,
            actor=actor,
            obj=candidacy,
            election=candidacy.contest.election,
            data={"reason": candidacy.removal_reason},
        )
    return candidacy


# -- Slates ------------------------------------------------------------------------------------


def do_create_slate(
    actor: User | None,
    election: Election,
    *,
    name: str,
    description: str = "",
    website: str = "",
    slug: str = "",
) -> Slate:
    """Create a slate in an election (returning officer only)."""
    _require_officer(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "A slate needs a name."})
    if website:
        website = text.clean_links([{"url": website}])[0]["url"]
    with transaction.atomic():
        slate = Slate(
            election=election,
            name=name,
            slug=slug or slugify(name)[:100],
            description=text.clean_text(description, field="description"),
            website=website,
        )
        slate.full_clean(exclude=["election"])
        slate.save()
        record_event(
            tags.SLATE_CREATED,
            actor=actor,
            obj=slate,
            election=election,
            data={"name": slate.name, "slug": slate.slug},
        )
    return slate


def do_propose_slate_membership(
    actor: User | None, slate: Slate, candidacy: Candidacy, *, now: datetime | None = None
) -> SlateMembership:
    """Put a candidacy on a slate, pending the candidate's confirmation (returning officer)."""
    _require_officer(actor)
    if candidacy.contest.election_id != slate.election_id:
        raise ValidationError(f"{candidacy} is not in {slate.election}.")
    if not candidacy.is_standing():
        raise ValidationError(f"{candidacy} is no longer standing.")
    now = now or timezone.now()
    with transaction.atomic():
        current = SlateMembership.objects.select_for_update().filter(
            candidacy=candidacy, ended_at__isnull=True
        )
        existing = current.first()
        if existing is not None:
            if existing.slate_id == slate.pk:
                return existing
            raise ValidationError(
                f"{candidacy.member.name} is already on the slate {existing.slate}."
            )
        membership = SlateMembership.objects.create(
            slate=slate, candidacy=candidacy, proposed_at=now
        )
        record_event(
            tags.SLATE_CANDIDATE_INVITED,
            actor=actor,
            obj=membership,
            election=slate.election,
            data={"slate": slate.slug, "candidacy": candidacy.pk},
        )
    return membership


def do_confirm_slate_membership(
    actor: User | None, membership: SlateMembership, *, now: datetime | None = None
) -> SlateMembership:
    """Confirm, as the candidate, that they stand on the slate proposed for them."""
    candidacy = membership.candidacy
    if actor is not None and (
        candidacy.member.user_id is None or candidacy.member.user_id != actor.pk
    ):
        raise PermissionDenied("Only the candidate may confirm their place on a slate.")
    if membership.ended_at is not None:
        raise ValidationError("This place on the slate has been withdrawn.")
    if membership.confirmed_at is not None:
        return membership
    now = now or timezone.now()
    with transaction.atomic():
        membership.confirmed_at = now
        membership.save(update_fields=["confirmed_at"])
        record_event(
            tags.SLATE_MEMBERSHIP_CONFIRMED,
            actor=actor,
            obj=membership,
            election=membership.slate.election,
            data={"slate": membership.slate.slug, "candidacy": candidacy.pk},
        )
    return membership


def do_end_slate_membership(
    actor: User | None, membership: SlateMembership, *, now: datetime | None = None
) -> SlateMembership:
    """Take a candidacy off its slate, as the candidate or the returning officer."""
    _require_member_or_officer(actor, membership.candidacy.member)
    if membership.ended_at is not None:
        return membership
    now = now or timezone.now()
    with transaction.atomic():
        membership.ended_at = now
        membership.save(update_fields=["ended_at"])
        record_event(
            tags.SLATE_MEMBERSHIP_ENDED,
            actor=actor,
            obj=membership,
            election=membership.slate.election,
            data={"slate": membership.slate.slug, "candidacy": membership.candidacy_id},
        )
    return membership
