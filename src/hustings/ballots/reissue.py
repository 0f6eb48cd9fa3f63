"""Reissuing lost voting codes: members ask for one themselves; the returning officer can send one.

A fresh code revokes the voter's unused one; a used credential is never replaced. A member's
request is answered the same way whether or not the details match anyone, so the page says
nothing about who is on the register; a match sends the new code to the email address the
register holds, never to an address typed into the form. By email, the code is minted by the email
task as it sends (and audited there); by post, it is minted here and shown once to staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hustings.accounts import ratelimit
from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.casting import AlreadyVoted
from hustings.ballots.emails import enqueue_batches
from hustings.ballots.forms import normalise_membership_number
from hustings.ballots.models import Credential, Delivery, EmailKind, Voter
from hustings.ballots.roll import mint_credential
from hustings.elections.models import Phase
from hustings.members.models import Member

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "ReissueRefused",
    "VoterRecord",
    "do_staff_reissue",
    "normalise_postcode",
    "request_reissue",
    "voter_records",
]

# Staff may replace a code from the close of nominations (a letter lost before the ballot opens)
# until the ballot closes.
STAFF_REISSUE_PHASES = (Phase.BALLOT_PENDING, Phase.BALLOT)


class ReissueRefused(ValueError):
    """The code cannot be reissued; the message says why."""


def normalise_postcode(text: str) -> str:
    """Return a postcode as compared: no spaces, upper case."""
    return "".join(text.split()).upper()


def _details_match(member: Member, email: str, postcode: str) -> bool:
    email = email.strip().lower()
    if email and member.email and email == member.email.strip().lower():
        return True
    postcode = normalise_postcode(postcode)
    return bool(postcode and member.postcode and postcode == normalise_postcode(member.postcode))


def _open_ballot_voters(member: Member, now: datetime) -> list[int]:
    """Return the member's roll entries, not yet voted, in elections whose ballot is open."""
    return list(
        Voter.objects.filter(
            member=member,
            voted="",
            election__ballot_open_at__lte=now,
            election__ballot_close_at__gt=now,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def request_reissue(
    membership_number: str,
    *,
    email: str = "",
    postcode: str = "",
    ip: str | None,
    now: datetime | None = None,
) -> int:
    """Rate-limit a member's request and, if the details match, queue a new code by email.

    Return how many new codes were queued, for tests and logs only: the page shows the same
    message either way. Raise RateLimited when the membership number or address has asked too
    often; every request counts, matched or not.
    """
    now = now or timezone.now()
    number = normalise_membership_number(membership_number)
    ratelimit.check(ratelimit.REISSUE, number, ip, now=now)
    ratelimit.record(ratelimit.REISSUE, number, ip, now=now)
    # Exact matches only, as typed or normalised, so that the unique index answers: a public
    # page must not scan the whole register on every request.
    typed = membership_number.strip()
    member = Member.objects.filter(membership_number__in={number, typed}).first()
    if member is None or not member.email or not _details_match(member, email, postcode):
        return 0
    voter_ids = _open_ballot_voters(member, now)
    if not voter_ids:
        return 0
    queued, _ = enqueue_batches(voter_ids, EmailKind.REISSUE)
    return queued


@dataclass(frozen=True)
class VoterRecord:
    """A member's place on one election's roll, as staff see it: voted or not, and their codes."""

    voter: Voter
    credentials: list[Credential]

    @property
    def may_reissue(self) -> bool:
        """Return whether staff may reissue now: not voted, and the ballot not yet closed."""
        return not self.voter.voted and self.voter.election.phase() in STAFF_REISSUE_PHASES


def voter_records(membership_number: str) -> tuple[Member | None, list[VoterRecord]]:
    """Return the member with this number and their roll entries, newest election first."""
    number = normalise_membership_number(membership_number)
    member = (
        Member.objects.select_related("unit__region")
        .filter(membership_number__iexact=number)
        .first()
    )
    if member is None:
        return None, []
    voters = (
        Voter.objects.filter(member=member)
        .select_related("election", "region")
        .order_by("-election__ballot_open_at")
    )
    records = [
        VoterRecord(
            voter,
            list(voter.credentials.select_related("issued_by").order_by("issued_at", "pk")),
        )
        for voter in voters
    ]
    return member, records


def do_staff_reissue(
    actor: User, voter: Voter, *, delivery: str, now: datetime | None = None
) -> str | None:
    """Reissue a voter's code as the returning officer; return it if by post, None if emailed.

    By post, the code is returned once for the letter and not kept. By email, the email task
    mints, sends and audits it. Raise PermissionDenied or ReissueRefused.
    """
    if not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer can reissue voting codes.")
    now = now or timezone.now()
    election = voter.election
    if election.phase(now) not in STAFF_REISSUE_PHASES:
        raise ReissueRefused(
            f"Codes for {election.name} can be reissued from the close of nominations until the "
            "ballot closes."
        )
    # Read afresh: a ballot may have been cast since the caller loaded the roll entry.
    voter.refresh_from_db(fields=["voted"])
    if voter.voted:
        raise ReissueRefused(
            f"{voter.member.name} has already voted ({voter.get_voted_display()}): a used "
            "credential can never be reissued."
        )
    if delivery == Delivery.EMAIL:
        if not voter.member.email:
            raise ReissueRefused(
                f"The register holds no email address for {voter.member.name}: reissue by post."
            )
        with transaction.atomic():
            enqueue_batches([voter.pk], EmailKind.REISSUE, actor_id=actor.pk)
        return None
    if delivery != Delivery.POST:
        raise ReissueRefused(f"Unknown delivery {delivery!r}: choose email or post.")
    with transaction.atomic():
        try:
            code = mint_credential(
                voter, delivery=Delivery.POST, actor=actor, reissue=True, now=now
            )
        except AlreadyVoted as error:
            raise ReissueRefused(
                f"{voter.member.name} has already voted: a used credential can never be reissued."
            ) from error
        record_event(
            tags.BALLOT_CREDENTIAL_REISSUED,
            actor=actor,
            obj=voter,
            election=election,
            data={
                "membership_number": voter.member.membership_number,
                "delivery": Delivery.POST,
                "requested_by": "staff",
            },
            at=now,
        )
    return code
