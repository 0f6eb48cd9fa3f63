"""Only the candidate posts updates; they show dated, in a feed, and by email only to opt-ins."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.campaign.models import CampaignUpdate, Support
from tests import factories
from tests.accounts.helpers import path_of, staff_client
from tests.campaign.helpers import page, signed_in

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def new_update_url(candidacy) -> str:  # type: ignore[no-untyped-def]
    return reverse("campaign:new-update", args=[candidacy.pk])


def post_update(candidacy, title: str = "Visiting Leeds", body: str = "Thank you **all**."):  # type: ignore[no-untyped-def]
    # Emails are queued when the transaction commits; run those callbacks as a commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return signed_in(candidacy.member.user).post(
            new_update_url(candidacy), {"title": title, "body": body}
        )


def support(candidacy, *, emails: bool) -> Support:  # type: ignore[no-untyped-def]
    user = factories.member()
    data = {"quote": "", **({"email_updates": "on"} if emails else {})}
    signed_in(user).post(reverse("campaign:support", args=[candidacy.pk]), data)
    return Support.objects.get(member=user.member)


def test_candidate_posts_an_update_that_shows_dated_and_formatted_on_their_page() -> None:
    candidacy = factories.make_candidacy()

    response = post_update(candidacy)

    assert response.status_code == 302
    shown = Client().get(page(candidacy)).content.decode()
    assert "Visiting Leeds" in shown
    assert "Thank you <strong>all</strong>." in shown
    update = CampaignUpdate.objects.get()
    assert f'datetime="{update.posted_at.isoformat()}' in shown or "<time datetime=" in shown
    assert AuditEvent.objects.filter(tag=tags.CAMPAIGN_UPDATE_POSTED).count() == 1


def test_only_the_candidate_may_post_their_updates() -> None:
    candidacy = factories.make_candidacy()
    other_candidate = factories.make_candidacy(candidacy.contest)
    for client in (
        signed_in(factories.member()),
        signed_in(other_candidate.member.user),
        staff_client(factories.returning_officer()),
    ):
        response = client.post(new_update_url(candidacy), {"title": "Hi", "body": "Forged."})
        assert response.status_code == 403
    anonymous = Client().post(new_update_url(candidacy), {"title": "Hi", "body": "Forged."})
    assert anonymous.status_code == 302
    assert not CampaignUpdate.objects.exists()


def test_an_update_without_a_title_is_refused_with_an_error_on_the_field() -> None:
    candidacy = factories.make_candidacy()
    response = post_update(candidacy, title="", body="Text")

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_updates_are_emailed_only_to_supporters_who_opted_in() -> None:
    candidacy = factories.make_candidacy()
    wants = support(candidacy, emails=True)
    support(candidacy, emails=False)
    factories.member()  # a member who is not a supporter at all

    post_update(candidacy)

    assert [message.to for message in mail.outbox] == [[wants.member.email]]
    message = mail.outbox[0]
    assert "Visiting Leeds" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_is_sent_when_nobody_opted_in() -> None:
    candidacy = factories.make_candidacy()
    support(candidacy, emails=False)

    post_update(candidacy)

    assert mail.outbox == []


def test_the_unsubscribe_link_works_without_signing_in_and_stops_the_emails() -> None:
    candidacy = factories.make_candidacy()
    wants = support(candidacy, emails=True)
    post_update(candidacy)
    link = re.search(r"https?://\S+/campaign/unsubscribe/\S+/", mail.outbox[0].body)
    assert link is not None
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert header == f"<{link.group(0)}>"

    anonymous = Client(enforce_csrf_checks=True)
    confirm = anonymous.get(path_of(link.group(0)))
    assert confirm.status_code == 200
    # Only the button changes anything: a mail scanner fetching the link unsubscribes nobody.
    assert Support.objects.get(pk=wants.pk).email_updates is True
    done = anonymous.post(path_of(link.group(0)))
    assert done.status_code == 200
    assert Support.objects.get(pk=wants.pk).email_updates is False

    mail.outbox.clear()
    post_update(candidacy, title="Second")
    assert mail.outbox == []


def test_a_forged_unsubscribe_token_is_refused() -> None:
    response = Client().post(reverse("campaign:unsubscribe", args=["support:1:forged"]))

    assert response.status_code == 404


def test_supporter_turns_update_emails_on_and_off_from_the_candidate_page() -> None:
    candidacy = factories.make_candidacy()
    found = support(candidacy, emails=False)
    client = signed_in(found.member.user)

    client.post(reverse("campaign:update-emails", args=[found.pk]), {"email_updates": "on"})
    assert Support.objects.get(pk=found.pk).email_updates is True
    client.post(reverse("campaign:update-emails", args=[found.pk]), {})
    assert Support.objects.get(pk=found.pk).email_updates is False


def test_withdrawn_supporters_are_not_emailed() -> None:
    candidacy = factories.make_candidacy()
    found = support(candidacy, emails=True)
    signed_in(found.member.user).post(reverse("campaign:withdraw-support", args=[found.pk]))

    post_update(candidacy)

    assert mail.outbox == []


def test_the_atom_feed_lists_the_candidates_updates_newest_first() -> None:
    candidacy = factories.make_candidacy()
    post_update(candidacy, title="First")
    post_update(candidacy, title="Second")

    response = Client().get(reverse("campaign:updates-feed", args=[candidacy.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Second", "First"]


def test_a_withdrawn_candidates_feed_is_gone() -> None:
    candidacy = factories.make_candidacy()
    post_update(candidacy)
    candidacy.withdrawn_at = candidacy.declared_at
    candidacy.save()

    response = Client().get(reverse("campaign:updates-feed", args=[candidacy.pk]))

    assert response.status_code == 404
