"""Starting counts and recounts, and publishing results; each audited, returning officer only.

A refusal for the role raises PermissionDenied; a refusal for the moment or the state (the ballot
still open, a count unfinished, results already published) raises ValidationError with a message
the returning officer can act on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.box import BallotBoxError, open_ballot_box
from hustings.ballots.casting import lock_ballot_box
from hustings.ballots.models import SealedBallot
from hustings.elections.actions import do_update_election
from hustings.elections.models import Election
from hustings.results.counting import draw_seed, execute_count
from hustings.results.models import Count, CountKind, CountStatus, Publication, PublicationKind
from hustings.results.queries import original_publication
from hustings.results.tasks import run_count

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "counted",
    "do_publish_results",
    "do_recount",
    "do_start_count",
    "require_officer",
]


def require_officer(actor: User | None) -> None:
    """Refuse anyone but the returning officer (None is the system, e.g. a management command)."""
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer may do this.")


# An online cast checks the clock and then commits within milliseconds: the count waits this long
# after the close, so that the box it opens holds every vote whose casting began before the close.
# (A cast still being stored when the count starts waits for the count's lock and is then refused:
# see casting.lock_ballot_box.)
CAST_GRACE = timedelta(seconds=30)


def _refuse_if_ballot_open(election: Election, now: datetime) -> None:
    if now < election.ballot_close_at:
        raise ValidationError(
            f"The ballot for {election.name} closes at "
            f"{timezone.localtime(election.ballot_close_at):%-d %B %Y %H:%M}; "
            "count only after it closes."
        )
    if now < election.ballot_close_at + CAST_GRACE:
        raise ValidationError(
            f"The ballot for {election.name} closed less than {CAST_GRACE.seconds} seconds ago, "
            "and votes cast in its last moments may still be being stored; start the count from "
            f"{timezone.localtime(election.ballot_close_at + CAST_GRACE):%H:%M:%S}."
        )


def _start(
    actor: User | None, election: Election, kind: str, seed: str, repeats: Count | None
) -> Count:
    """Create a queued count, audited; the caller runs or enqueues it after the commit."""
    with transaction.atomic():
        count = Count.objects.create(
            election=election,
            kind=kind,
            status=CountStatus.QUEUED,
            seed=seed,
            started_at=timezone.now(),
            started_by=actor,
            repeats=repeats,
        )
        record_event(
            tags.RESULTS_COUNT_STARTED,
            actor=actor,
            obj=count,
            election=election,
            data={
                "count": count.pk,
                "kind": kind,
                "seed": seed,
                "repeats": repeats.pk if repeats else None,
            },
        )
    return count


def _run(count: Count, run_now: bool) -> Count:
    if run_now:
        return execute_count(count.pk)
    run_count.enqueue(count.pk)
    count.refresh_from_db()
    return count


def do_start_count(
    actor: User | None,
    election: Election,
    *,
    run_now: bool = False,
    now: datetime | None = None,
) -> Count:
    """Start the count of every contest after the ballot closes, drawing the seed for any lot.

    The count runs as a background task, or here and now with `run_now` (the management
    command). Another count may start only if every earlier one failed: once a count has
    finished, the returning officer recounts instead.
    """
    require_officer(actor)
    now = now or timezone.now()
    _refuse_if_ballot_open(election, now)
    with transaction.atomic():
        # Locking the election makes two officers pressing "start" at once start one count.
        Election.objects.select_for_update().filter(pk=election.pk).first()
        if original_publication(election) is not None:
            raise ValidationError(f"The results of {election.name} are already published.")
        going = Count.objects.filter(election=election, kind=CountKind.COUNT).exclude(
            status=CountStatus.FAILED
        )
        if going.exists():
            raise ValidationError(
                f"{election.name} has already been counted (or is being counted); recount instead."
            )
        # The first count is the point after which no ballot can be added: wait for any cast
        # still being stored, then open the ballot box.
        lock_ballot_box(election)
        try:
            open_ballot_box(election)
        except BallotBoxError as error:
            raise ValidationError(f"The count cannot start: {error}.") from None
        count = _start(actor, election, CountKind.COUNT, draw_seed(), None)
    return _run(count, run_now)


def counted(election: Election) -> Count | None:
    """Return the count whose results stand: the published one, else the latest finished count."""
    publication = original_publication(election)
    if publication is not None:
        return publication.count
    return (
        Count.objects.filter(election=election, kind=CountKind.COUNT, status=CountStatus.DONE)
        .order_by("-started_at", "-pk")
        .first()
    )


def do_recount(actor: User | None, election: Election, *, run_now: bool = False) -> Count:
    """Count every contest again with the same seed and compare it with the count that stands.

    The comparison is in the returned count's `comparison` once it has run: {"identical": bool,
    "contests": [{"contest", "name", "identical", "differences": [...]}]}.
    """
    require_officer(actor)
    original = counted(election)
    if original is None:
        raise ValidationError(f"{election.name} has no finished count to repeat.")
    with transaction.atomic():
        # Any ballot stored after the count opened the box (which the locks make impossible on
        # PostgreSQL) is opened now, so the recount counts every ballot.
        if SealedBallot.objects.filter(election=election).exists():
            try:
                open_ballot_box(election)
            except BallotBoxError as error:
                raise ValidationError(f"The recount cannot start: {error}.") from None
        recount = _start(actor, election, CountKind.RECOUNT, original.seed, original)
    return _run(recount, run_now)


def do_publish_results(actor: User | None, count: Count) -> Publication:
    """Publish a finished count as the election's result, once; later changes are amendments."""
    require_officer(actor)
    election = count.election
    if count.kind not in (CountKind.COUNT, CountKind.RECOUNT):
        raise ValidationError("Only a count or a recount can be published as the result.")
    if not count.is_done:
        raise ValidationError(f"This count is {count.get_status_display()}, not finished.")
    if count.kind == CountKind.RECOUNT and not count.comparison.get("identical"):
        raise ValidationError(
            "This recount differs from the count it repeats; find out why before publishing."
        )
    now = timezone.now()
    with transaction.atomic():
        # Locking the election serialises two officers publishing at once.
        Election.objects.select_for_update().filter(pk=election.pk).first()
        late = SealedBallot.objects.filter(election=election).count()
        if late:
            raise ValidationError(
                f"{late} ballot(s) of {election.name} were stored after the count opened the "
                "ballot box, so no count includes them; nothing can be published until they are "
                "counted. Recount: a recount opens them first."
            )
        if original_publication(election) is not None:
            raise ValidationError(
                f"The results of {election.name} are already published; changes are amendments."
            )
        publication = Publication.objects.create(
            election=election,
            count=count,
            kind=PublicationKind.ORIGINAL,
            published_at=now,
            published_by=actor,
        )
        do_update_election(actor, election, results_published_at=now)
        record_event(
            tags.RESULTS_PUBLISHED,
            actor=actor,
            obj=publication,
            election=election,
            data={
                "count": count.pk,
                "contests": {
                    str(r.contest_id): {
                        "elected": r.elected_ids,
                        "blt_sha256": r.blt_sha256,
                        "result_sha256": r.result_sha256,
                    }
                    for r in count.results.all()
                },
            },
        )
    return publication
