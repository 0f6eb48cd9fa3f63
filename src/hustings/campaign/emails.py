"""Emails to members who opted in: campaign updates and report-backs, each with an unsubscribe link.

Only supporters who ticked the box (Support.email_updates) and current followers are written to.
Each message carries its own signed unsubscribe link, which works without signing in, and the
List-Unsubscribe headers mail programs show as a button (RFC 2369 and RFC 8058).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from hustings.accounts.tokens import base_url
from hustings.campaign.models import CampaignUpdate, Follow, ReportBack, Support

SALT = "hustings.campaign.unsubscribe"
SUPPORT = "support"
FOLLOW = "follow"


@dataclass(frozen=True)
class Subscription:
    """What an unsubscribe token names: a supporter's opt-in or a follow."""

    kind: str
    pk: int


def unsubscribe_token(kind: str, pk: int) -> str:
    """Return a signed token naming one subscription; it never expires but cannot be forged."""
    if kind not in (SUPPORT, FOLLOW):
        raise ValueError(f"unknown subscription kind {kind!r}")
    return signing.dumps([kind, pk], salt=SALT, compress=False)


def read_unsubscribe_token(token: str) -> Subscription | None:
    """Return the subscription a token names, or None if it was not signed by us."""
    try:
        kind, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in (SUPPORT, FOLLOW) or not isinstance(pk, int):
        return None
    return Subscription(kind, pk)


def unsubscribe_url(kind: str, pk: int) -> str:
    """Return the absolute one-click unsubscribe address for a subscription."""
    path = reverse("campaign:unsubscribe", args=[unsubscribe_token(kind, pk)])
    return base_url() + path


def _message(
    *, to: str, subject: str, template: str, context: dict[str, object], unsubscribe: str
) -> EmailMessage:
    body = render_to_string(template, {**context, "unsubscribe_url": unsubscribe})
    return EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _plain(text: str) -> str:
    # Emails are plain text: the same words the page shows, with the marks left as typed.
    return text.replace("\r\n", "\n").strip()


@task()
def send_update_emails(update_id: int) -> int:
    """Email a campaign update to each supporter who opted in; return how many were sent."""
    update = CampaignUpdate.objects.select_related("candidacy__member", "candidacy__contest").get(
        pk=update_id
    )
    supports = (
        Support.objects.filter(
            candidacy=update.candidacy, withdrawn_at__isnull=True, email_updates=True
        )
        .exclude(member__email="")
        .select_related("member")
        .order_by("pk")
    )
    candidacy = update.candidacy
    page = base_url() + reverse("candidates:candidate", args=[candidacy.pk])
    messages = [
        _message(
            to=support.member.email,
            subject=f"{candidacy.member.name}: {update.title}",
            template="campaign/email/update_body.txt",
            context={"update": update, "body": _plain(update.body), "page": page},
            unsubscribe=unsubscribe_url(SUPPORT, support.pk),
        )
        for support in supports
    ]
    if not messages:
        return 0
    return mailers.default.send_messages(messages) or 0


@task()
def send_report_back_emails(report_id: int) -> int:
    """Email a report-back to each current follower; return how many were sent."""
    report = ReportBack.objects.select_related("candidacy__member", "candidacy__contest").get(
        pk=report_id
    )
    follows = (
        Follow.objects.filter(candidacy=report.candidacy, ended_at__isnull=True)
        .exclude(member__email="")
        .select_related("member")
        .order_by("pk")
    )
    candidacy = report.candidacy
    page = base_url() + reverse("campaign:representative", args=[candidacy.pk])
    messages = [
        _message(
            to=follow.member.email,
            subject=f"Report-back from {candidacy.member.name}: {report.title}",
            template="campaign/email/report_back_body.txt",
            context={"report": report, "body": _plain(report.body), "page": page},
            unsubscribe=unsubscribe_url(FOLLOW, follow.pk),
        )
        for follow in follows
    ]
    if not messages:
        return 0
    return mailers.default.send_messages(messages) or 0
