"""Reminding members who have not voted: an email with no code, pointing to the ballot email.

A reminder carries no code, so a reminder that reaches the wrong inbox casts no ballot; it says
where the ballot email is and how to get a new code from the lost-code page.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hustings.accounts.access import is_returning_officer
from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.emails import enqueue_batches
from hustings.ballots.models import EmailKind, Voter
from hustings.elections.models import Election, Phase

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = ["RemindersRefused", "do_send_reminders", "reminder_recipients"]


class RemindersRefused(ValueError):
    """Reminders cannot be sent now; the message says why."""


def reminder_recipients(election: Election) -> QuerySet[Voter]:
    """Return the voters a reminder would go to: on the roll, not voted, with an email address."""
    return Voter.objects.filter(election=election, voted="").exclude(member__email="")


def do_send_reminders(
    actor: User | None, election: Election, *, now: datetime | None = None
) -> int:
    """Queue a reminder email to every voter with an email address who has not voted; return how many.

    Only the returning officer (or the system) may, and only while the ballot is open.
    """
    if actor is not None and not is_returning_officer(actor):
        raise PermissionDenied("Only the returning officer can send reminders.")
    now = now or timezone.now()
    if election.phase(now) != Phase.BALLOT:
        raise RemindersRefused(
            f"Reminders for {election.name} can be sent only while its ballot is open."
        )
    with transaction.atomic():
        ids = list(reminder_recipients(election).order_by("pk").values_list("pk", flat=True))
        queued, tasks = enqueue_batches(
            ids, EmailKind.REMINDER, actor_id=actor.pk if actor is not None else None
        )
        record_event(
            tags.BALLOT_REMINDERS_SENT,
            actor=actor,
            obj=election,
            election=election,
            data={"reminders_queued": queued, "email_tasks": tasks},
        )
    return queued
