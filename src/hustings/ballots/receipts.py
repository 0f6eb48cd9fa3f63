"""Emailing a voter their receipt tracker, at their request, to the address on the register.

The email holds the tracker and nothing about the choices; the log row says only that a receipt
email was sent (or failed) to the member, never the tracker, and the code never reaches here.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hustings.accounts.tokens import base_url
from hustings.ballots.models import BallotEmail, EmailKind, EmailStatus
from hustings.elections.models import Election
from hustings.members.models import Member

__all__ = ["send_receipt_email"]


@task()
def send_receipt_email(member_id: int, election_id: int, tracker: str) -> None:
    """Email the member their tracker and log the attempt (sent or failed) without the tracker."""
    member = Member.objects.get(pk=member_id)
    election = Election.objects.get(pk=election_id)
    context = {
        "member": member,
        "election": election,
        "tracker": tracker,
        "trackers_url": base_url() + reverse("ballots:trackers", args=[election.slug]),
        "close": election.ballot_close_at,
        "base_url": base_url(),
    }
    status = EmailStatus.SENT
    error_text = ""
    try:
        if not member.email:
            raise ValueError("the register holds no email address for this member")
        send_mail(
            subject=render_to_string("ballots/email/receipt_subject.txt", context).strip(),
            message=render_to_string("ballots/email/receipt_body.txt", context),
            from_email=None,
            recipient_list=[member.email],
        )
    except Exception as error:
        # Any failure is logged as such, then raised again so the task itself shows it failed.
        status = EmailStatus.FAILED
        # The exception's type and message (a mail server's reply), with the tracker taken out
        # in case the server echoed the message back.
        error_text = f"{type(error).__name__}: {error}".replace(tracker, "[tracker]")[:300]
        raise
    finally:
        BallotEmail.objects.create(
            election=election,
            member=member,
            kind=EmailKind.RECEIPT,
            status=status,
            error=error_text,
            at=timezone.now(),
        )
