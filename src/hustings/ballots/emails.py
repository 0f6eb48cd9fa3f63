"""Ballot emails: the first ballot email, a reissued code, and reminders, sent by background tasks.

A code is minted inside the task, in the same transaction that sends its email, so no usable code
ever sits in the task queue, and a send that fails leaves no live credential behind (for a reissue,
the old code stays live). Every attempt is logged as a `BallotEmail` row, sent or failed, without
the code. Voters whose email failed are retried by a later task, with a growing delay, up to
MAX_ATTEMPTS; after that their last row stays "failed" for staff to see.

Each worker process paces its sends to HUSTINGS_EMAIL_RATE per second, so a ballot of hundreds of
thousands of emails does not trip the mail relay's limits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hustings.accounts.models import User
from hustings.accounts.tokens import base_url
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.casting import AlreadyVoted
from hustings.ballots.models import (
    BallotEmail,
    Credential,
    Delivery,
    EmailKind,
    EmailStatus,
    Voter,
)
from hustings.ballots.papers import papers_for
from hustings.ballots.roll import mint_credential
from hustings.elections.models import Election

__all__ = [
    "BATCH_SIZE",
    "MAX_ATTEMPTS",
    "BatchReport",
    "Pacer",
    "ballot_link",
    "deliver_batch",
    "enqueue_batches",
    "failed_ballot_emails",
    "help_context",
    "retry_delay",
    "send_ballot_emails",
    "worker_pacer",
]

# Voter ids per task: small enough that a task finishes in well under a minute at 10 emails a
# second, large enough that a 600,000-member ballot is a few thousand tasks.
BATCH_SIZE = 200
MAX_ATTEMPTS = 5
# Kinds a batch task sends; receipts are sent one at a time from the voting pages.
BATCH_KINDS = (EmailKind.BALLOT, EmailKind.REISSUE, EmailKind.REMINDER)
_ERROR_LENGTH = 300
REISSUE_PRIORITY = 50


class Pacer:
    """Space calls to wait() at least 1/per_second seconds apart, sleeping when they come early."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError(f"a pacer needs a positive rate, not {per_second}")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next send may go, sleeping if the last was too recent."""
        with self._lock:
            now = self._clock()
            if self._next is not None and now < self._next:
                self._sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


_pacer: Pacer | None = None


def worker_pacer() -> Pacer:
    """Return this worker process's pacer, shared by every batch it runs."""
    global _pacer
    if _pacer is None:
        _pacer = Pacer(settings.HUSTINGS_EMAIL_RATE)
    return _pacer


def retry_delay(attempt: int) -> timedelta:
    """Return how long to wait before the attempt after `attempt`: 1, 2, 4, 8 minutes."""
    return timedelta(minutes=2 ** (attempt - 1))


def ballot_link(code: str) -> str:
    """Return the absolute link that opens the ballot with a code."""
    return base_url() + reverse("ballots:code", args=[code])


def help_context() -> dict[str, str]:
    """Return where a member gets help: the lost-code page and the returning officer's contact."""
    return {
        "vote_url": base_url() + reverse("ballots:vote"),
        "lost_code_url": base_url() + reverse("ballots:lost-code"),
        "contact": getattr(settings, "HUSTINGS_RETURNING_OFFICER_CONTACT", ""),
        "base_url": base_url(),
    }


@dataclass
class BatchReport:
    """What one batch did: emails sent, failed, and voters skipped (voted, or already holding a code)."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_ids: list[int] | None = None

    def as_dict(self) -> dict[str, int]:
        """Return the counts, as the task's stored result."""
        return {"sent": self.sent, "failed": self.failed, "skipped": self.skipped}


class _Skip(Exception):
    """This voter needs no email now; raised inside the transaction to leave it unchanged."""


class _NoAddress(Exception):
    """The register holds no email address for this member."""


def _contests_by_region(election: Election) -> Callable[[int], list[str]]:
    cache: dict[int, list[str]] = {}

    def names(region_id: int) -> list[str]:
        if region_id not in cache:
            cache[region_id] = [paper.contest.name for paper in papers_for(election, region_id)]
        return cache[region_id]

    return names


def _scrub(text: str, code: str | None) -> str:
    """Return an error text with the code removed, in case a mail server echoed the message."""
    if code:
        for form in (code, code.replace("-", "")):
            text = text.replace(form, "[code]")
    return text[:_ERROR_LENGTH]


def _render(kind: str, context: dict[str, object]) -> tuple[str, str]:
    name = "reminder" if kind == EmailKind.REMINDER else "ballot"
    subject = render_to_string(f"ballots/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"ballots/email/{name}_body.txt", context)
    return subject, body


def _send_one(
    voter: Voter,
    kind: str,
    *,
    actor: User | None,
    contests: list[str],
    pacer: Pacer,
    now: datetime,
    attempt: int,
    state: dict[str, str | None],
) -> None:
    """Mint (unless a reminder), send and log one email in one transaction; raise if it failed."""
    member = voter.member
    election = voter.election
    with transaction.atomic():
        # Lock the roll entry first: a second task for the same voter waits here, then finds the
        # code this one minted and skips, so nobody gets two ballot emails.
        locked = Voter.objects.select_for_update().get(pk=voter.pk)
        if locked.voted:
            raise _Skip
        if kind == EmailKind.BALLOT and (
            Credential.objects.filter(voter=locked, revoked_at__isnull=True).exists()
        ):
            raise _Skip
        if not member.email:
            raise _NoAddress("the register holds no email address for this member")
        context: dict[str, object] = {
            "member": member,
            "election": election,
            "close": election.ballot_close_at,
            "contests": contests,
            "reissue": kind == EmailKind.REISSUE,
            **help_context(),
        }
        if kind != EmailKind.REMINDER:
            code = mint_credential(
                locked,
                delivery=Delivery.EMAIL,
                actor=actor,
                reissue=kind == EmailKind.REISSUE,
                now=now,
            )
            state["code"] = code
            context.update(code=code, link=ballot_link(code))
        subject, body = _render(kind, context)
        pacer.wait()
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[member.email])
        BallotEmail.objects.create(
            election=election,
            member=member,
            kind=kind,
            status=EmailStatus.SENT,
            attempt=attempt,
            at=timezone.now(),
        )
        if kind == EmailKind.REISSUE:
            record_event(
                tags.BALLOT_CREDENTIAL_REISSUED,
                actor=actor,
                obj=locked,
                election=election,
                data={
                    "membership_number": member.membership_number,
                    "delivery": Delivery.EMAIL,
                    "requested_by": "staff" if actor is not None else "member",
                },
            )


def deliver_batch(
    voter_ids: Sequence[int],
    kind: str,
    *,
    attempt: int = 1,
    actor: User | None = None,
    pacer: Pacer | None = None,
    now: datetime | None = None,
) -> BatchReport:
    """Send one kind of ballot email to each voter who still needs it; log every attempt.

    Voters who have voted are skipped; so, for a first ballot email, are voters who already hold a
    live code. Returns the counts, and the ids of voters whose send failed and may be retried.
    """
    if kind not in BATCH_KINDS:
        raise ValueError(f"ballot emails of kind {str(kind)!r} are not sent in batches")
    pacer = pacer or worker_pacer()
    voters = Voter.objects.filter(pk__in=list(voter_ids)).select_related(
        "member", "election", "region"
    )
    report = BatchReport(retry_ids=[])
    contests_for: dict[int, Callable[[int], list[str]]] = {}
    for voter in voters.order_by("pk"):
        if voter.voted:
            report.skipped += 1
            continue
        names = contests_for.setdefault(voter.election_id, _contests_by_region(voter.election))
        state: dict[str, str | None] = {"code": None}
        try:
            _send_one(
                voter,
                kind,
                actor=actor,
                contests=names(voter.region_id),
                pacer=pacer,
                now=now or timezone.now(),
                attempt=attempt,
                state=state,
            )
        except (_Skip, AlreadyVoted):
            report.skipped += 1
            continue
        except Exception as error:
            # The transaction has rolled back: no new code is live. The row is written outside it
            # so that the failure itself is kept; it names the error, never the code.
            report.failed += 1
            retriable = not isinstance(error, _NoAddress)
            if retriable and report.retry_ids is not None:
                report.retry_ids.append(voter.pk)
            BallotEmail.objects.create(
                election=voter.election,
                member=voter.member,
                kind=kind,
                status=EmailStatus.FAILED,
                attempt=attempt,
                error=_scrub(f"{type(error).__name__}: {error}", state["code"]),
                at=timezone.now(),
            )
            continue
        report.sent += 1
    return report


def _enqueue(
    voter_ids: list[int], kind: str, *, attempt: int, actor_id: int | None, delay: timedelta
) -> None:
    chosen = send_ballot_emails
    backend = chosen.get_backend()
    if delay and backend.supports_defer:
        chosen = chosen.using(run_after=timezone.now() + delay)
    if kind == EmailKind.REISSUE and backend.supports_priority:
        # A member waiting for a new code goes ahead of the bulk mailing's thousands of batches.
        chosen = chosen.using(priority=REISSUE_PRIORITY)
    chosen.enqueue(voter_ids, str(kind), attempt, actor_id)


@task()
def send_ballot_emails(
    voter_ids: list[int], kind: str, attempt: int = 1, actor_id: int | None = None
) -> dict[str, int]:
    """Send one kind of ballot email to a batch of voters; queue a later retry for failures."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    report = deliver_batch(voter_ids, kind, attempt=attempt, actor=actor)
    if report.retry_ids and attempt < MAX_ATTEMPTS:
        _enqueue(
            report.retry_ids,
            kind,
            attempt=attempt + 1,
            actor_id=actor_id,
            delay=retry_delay(attempt),
        )
    return report.as_dict()


def enqueue_batches(
    voter_ids: Iterable[int], kind: str, *, actor_id: int | None = None, size: int = BATCH_SIZE
) -> tuple[int, int]:
    """Queue email tasks for voter ids, `size` to a task; return (voters, tasks) queued."""
    voters = tasks = 0
    batch: list[int] = []
    for voter_id in voter_ids:
        batch.append(voter_id)
        if len(batch) >= size:
            _enqueue(batch, kind, attempt=1, actor_id=actor_id, delay=timedelta(0))
            voters += len(batch)
            tasks += 1
            batch = []
    if batch:
        _enqueue(batch, kind, attempt=1, actor_id=actor_id, delay=timedelta(0))
        voters += len(batch)
        tasks += 1
    return voters, tasks


def failed_ballot_emails(election: Election) -> QuerySet[Voter]:
    """Return voters whose ballot email failed every attempt and who still hold no code."""
    gave_up = BallotEmail.objects.filter(
        election=election,
        member=OuterRef("member"),
        kind=EmailKind.BALLOT,
        status=EmailStatus.FAILED,
        attempt__gte=MAX_ATTEMPTS,
    )
    live = Credential.objects.filter(voter=OuterRef("pk"), revoked_at__isnull=True)
    return (
        Voter.objects.filter(election=election, voted="")
        .filter(Exists(gave_up))
        .exclude(Exists(live))
        .select_related("member")
    )
