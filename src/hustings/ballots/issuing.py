"""Issuing voting credentials when the ballot opens: the roll, the print file and the ballot emails.

Members with an email address on the register get a ballot email, whose code is minted by the
email task as it sends (see emails.py). Members without one get a code minted here, in bulk, and
written to the print file for the mail house, the only place those codes ever exist outside the
letters. Running it again issues only to voters who have never been issued a code, so a late
register update or a failed run is finished by running it once more.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.emails import enqueue_batches
from hustings.ballots.models import Credential, Delivery, EmailKind, Voter
from hustings.ballots.roll import add_eligible_voters, mint_credentials
from hustings.elections.models import Contest, Election, Phase

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "PRINT_FILE_HEADER",
    "IssueReport",
    "IssuingRefused",
    "do_issue_credentials",
    "reasons_may_not_issue",
]

PRINT_FILE_HEADER = ("membership_number", "name", "address", "postcode", "region", "code")
# Lines of a postal address in the print file's single address column.
ADDRESS_SEPARATOR = " | "
# Letters minted and written per round: one insert of credentials and one read of voters each.
_CHUNK = 2000
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"); a
# mail house opens print files in one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class IssuingRefused(ValueError):
    """Credentials cannot be issued for this election now; the message says why."""


@dataclass(frozen=True)
class IssueReport:
    """What one run of issuing did: counts only, never a code."""

    added_to_roll: int
    letters: int
    emails_queued: int
    email_tasks: int
    roll_size: int


def reasons_may_not_issue(election: Election, now: datetime | None = None) -> list[str]:
    """Return why credentials cannot be issued for the election now, or nothing if they can."""
    reasons: list[str] = []
    phase = election.phase(now)
    if phase not in (Phase.BALLOT_PENDING, Phase.BALLOT):
        reasons.append(
            f"{election.name} is in the phase “{phase.label}”: credentials are issued once "
            "nominations have closed and until the ballot closes."
        )
    contests = Contest.objects.filter(election=election)
    if not contests.exists():
        reasons.append(f"{election.name} has no contests.")
    unconfirmed = [
        c.name for c in contests.filter(ballot__isnull=True).order_by("position", "name")
    ]
    if unconfirmed:
        reasons.append("The ballot list is not yet confirmed for: " + ", ".join(unconfirmed) + ".")
    return reasons


def _never_issued(election: Election) -> QuerySet[Voter]:
    """Return the election's voters who have not voted and have never been issued a code."""
    any_credential = Credential.objects.filter(voter=OuterRef("pk"))
    return Voter.objects.filter(election=election, voted="").exclude(Exists(any_credential))


def _cell(value: str) -> str:
    value = value.strip()
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _address(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    return ADDRESS_SEPARATOR.join(line for line in lines if line)


def _postal_chunks(election: Election) -> Iterator[list[Voter]]:
    """Yield voters without an email who need a letter, a chunk at a time, in voter order.

    Paged by primary key rather than held open as a cursor, since each chunk is minted (and so
    leaves the selection) before the next is read.
    """
    pending = (
        _never_issued(election)
        .filter(member__email="")
        .select_related("member", "region")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(pending.filter(pk__gt=last)[:_CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _write_letters(
    election: Election, print_file: TextIO, *, actor: User | None, now: datetime
) -> int:
    writer = csv.writer(print_file, lineterminator="\n")
    writer.writerow(PRINT_FILE_HEADER)
    letters = 0
    for chunk in _postal_chunks(election):
        for voter, code in mint_credentials(chunk, delivery=Delivery.POST, actor=actor, now=now):
            member = voter.member
            writer.writerow(
                (
                    _cell(member.membership_number),
                    _cell(member.name),
                    _cell(_address(member.address)),
                    _cell(member.postcode),
                    _cell(voter.region.name),
                    code,
                )
            )
            letters += 1
    return letters


def do_issue_credentials(
    actor: User | None,
    election: Election,
    *,
    print_file: TextIO,
    send_emails: bool = True,
    now: datetime | None = None,
) -> IssueReport:
    """Put eligible members on the roll, write postal codes to the print file, queue the emails.

    Only the returning officer (or the system) may; only once every contest's ballot list is
    confirmed, from the close of nominations until the ballot closes. Voters already issued a code
    are left alone. Raise PermissionDenied or IssuingRefused otherwise.
    """
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer can issue voting credentials.")
    now = now or timezone.now()
    reasons = reasons_may_not_issue(election, now)
    if reasons:
        raise IssuingRefused(" ".join(reasons))
    with transaction.atomic():
        added = add_eligible_voters(election, now=now)
        letters = _write_letters(election, print_file, actor=actor, now=now)
        emails = tasks = 0
        if send_emails:
            # The codes are minted by the email tasks, one at a time as each email goes.
            # Read in full before queueing (600,000 ids is a few megabytes): a task run at once,
            # as on a laptop, must not write under an open cursor over the same rows.
            recipients = list(
                _never_issued(election)
                .exclude(member__email="")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            emails, tasks = enqueue_batches(
                recipients,
                EmailKind.BALLOT,
                actor_id=actor.pk if actor is not None else None,
            )
        roll_size = Voter.objects.filter(election=election).count()
        record_event(
            tags.BALLOT_CREDENTIALS_ISSUED,
            actor=actor,
            obj=election,
            election=election,
            data={
                "added_to_roll": added,
                "roll_size": roll_size,
                "letters": letters,
                "emails_queued": emails,
                "email_tasks": tasks,
            },
        )
    print_file.flush()
    return IssueReport(
        added_to_roll=added,
        letters=letters,
        emails_queued=emails,
        email_tasks=tasks,
        roll_size=roll_size,
    )
