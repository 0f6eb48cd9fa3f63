"""Reissuing lost codes: the member's self-service page and the returning officer's screen."""

from __future__ import annotations

import json
import re
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.ballots import emails
from hustings.ballots.casting import CodeNotValid, do_cast_ballot, find_credential
from hustings.ballots.emails import Pacer, send_ballot_emails
from hustings.ballots.models import BallotEmail, Credential, Delivery, EmailKind, Voter
from hustings.ballots.reissue import ReissueRefused, do_staff_reissue, request_reissue
from hustings.elections.models import Phase
from tests.accounts.helpers import staff_client
from tests.factories import BallotScene, make_member, member, observer, returning_officer

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
LOST = reverse("ballots:lost-code")
SENT = reverse("ballots:lost-code-sent")
STAFF = reverse("ballots:staff-reissue")


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pace emails without sleeping."""
    monkeypatch.setattr(emails, "_pacer", Pacer(10, sleep=lambda seconds: None))


def ask(client: Client, number: str, *, email: str = "", postcode: str = "", ip: str = "10.0.0.1"):
    return client.post(
        LOST,
        {"membership_number": number, "email": email, "postcode": postcode},
        REMOTE_ADDR=ip,
    )


def emailed_code(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address]]
    [code] = set(CODE.findall(message.body))
    return code


def stored_text() -> str:
    """Return every stored text a code must never reach: audit events and email log errors."""
    audit = " ".join(json.dumps(e.data) + e.object_repr for e in AuditEvent.objects.all())
    return audit + " ".join(BallotEmail.objects.values_list("error", flat=True))


# -- The member's page ------------------------------------------------------------------------


def test_a_member_gets_a_new_code_by_email_and_the_old_one_stops_working():
    scene = BallotScene()
    voter, old = scene.voter()
    response = ask(Client(), voter.member.membership_number, email=voter.member.email.upper())
    assert response.status_code == 302
    assert response["Location"] == SENT
    new = emailed_code(voter.member.email)
    assert new != old
    assert "Your new voting code" in mail.outbox[0].subject
    old_credential = find_credential(old)
    assert old_credential is not None
    assert old_credential.revoked_at is not None
    with pytest.raises(CodeNotValid):
        do_cast_ballot(old_credential, {})
    new_credential = find_credential(new)
    assert new_credential is not None
    assert new_credential.reissue
    assert new_credential.issued_by is None
    do_cast_ballot(new_credential, {})
    assert BallotEmail.objects.filter(member=voter.member, kind="reissue", status="sent").exists()
    event = AuditEvent.objects.get(tag=tags.BALLOT_CREDENTIAL_REISSUED)
    assert event.data["requested_by"] == "member"
    assert old not in stored_text()
    assert new not in stored_text()


def test_the_postcode_on_the_register_also_matches_however_it_is_spaced():
    scene = BallotScene()
    voter, _ = scene.voter(postcode="SW1A 1AA")
    ask(Client(), voter.member.membership_number.lower(), postcode=" sw1a1aa ")
    assert emailed_code(voter.member.email)


def test_the_answer_is_the_same_whether_or_not_the_details_match():
    scene = BallotScene()
    voter, old = scene.voter()
    client = Client()
    answers = [
        ask(client, voter.member.membership_number, email="someone@else.example"),
        ask(client, "NO-SUCH-NUMBER", email=voter.member.email, ip="10.0.0.2"),
        ask(client, voter.member.membership_number, postcode="ZZ9 9ZZ", ip="10.0.0.3"),
    ]
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, SENT)] * 3
    assert mail.outbox == []
    credential = find_credential(old)
    assert credential is not None
    assert credential.revoked_at is None
    page = client.get(SENT)
    assert b"If the details you gave match" in page.content


def test_a_member_with_no_email_on_the_register_is_sent_nothing_and_told_to_ask_staff():
    scene = BallotScene()
    voter, old = scene.voter(email="", postcode="AB1 2CD")
    response = ask(Client(), voter.member.membership_number, postcode="AB1 2CD")
    assert response["Location"] == SENT
    assert mail.outbox == []
    credential = find_credential(old)
    assert credential is not None
    assert credential.revoked_at is None
    assert b"contact the returning officer" in Client().get(SENT).content


def test_a_member_who_has_voted_is_sent_nothing():
    scene = BallotScene()
    voter, code = scene.voter()
    do_cast_ballot(find_credential(code), {})
    ask(Client(), voter.member.membership_number, email=voter.member.email)
    assert mail.outbox == []
    assert Credential.objects.filter(voter=voter).count() == 1


def test_no_code_is_sent_before_the_ballot_opens():
    scene = BallotScene(Phase.BALLOT_PENDING)
    voter, _ = scene.voter()
    assert request_reissue(voter.member.membership_number, email=voter.member.email, ip=None) == 0
    assert mail.outbox == []


def test_the_form_asks_for_an_email_address_or_a_postcode():
    response = Client().post(LOST, {"membership_number": "M1"})
    assert response.status_code == 200
    assert b"Give the email address or the postcode" in response.content


def test_requests_are_rate_limited_per_membership_number_matched_or_not():
    scene = BallotScene()
    voter, _ = scene.voter()
    number = voter.member.membership_number
    client = Client()
    for n in range(3):
        assert (
            ask(client, number, email=f"wrong{n}@example.org", ip=f"10.1.0.{n}").status_code == 302
        )
    limited = ask(client, number, email=voter.member.email, ip="10.1.0.9")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert b"Too many requests" in limited.content
    assert mail.outbox == []


def test_requests_are_rate_limited_per_address():
    client = Client()
    for n in range(30):
        assert ask(client, f"X{n}", postcode="AB1 2CD", ip="10.2.0.1").status_code == 302
    assert ask(client, "X-last", postcode="AB1 2CD", ip="10.2.0.1").status_code == 429
    assert ask(client, "X-last", postcode="AB1 2CD", ip="10.2.0.2").status_code == 302


# -- The returning officer's screen -----------------------------------------------------------


def test_the_staff_screen_needs_staff_and_members_are_refused():
    response = Client().get(STAFF)
    assert response.status_code == 302
    assert reverse("accounts:staff-sign-in") in response["Location"]
    client = Client()
    client.force_login(member())
    assert client.get(STAFF).status_code == 403


def test_an_observer_sees_whether_a_member_voted_but_cannot_reissue():
    scene = BallotScene()
    voter, code = scene.voter()
    do_cast_ballot(find_credential(code), {})
    client = staff_client(observer())
    page = client.get(STAFF, {"number": voter.member.membership_number})
    assert page.status_code == 200
    assert b"Yes, online" in page.content
    assert b"Used" in page.content
    assert b"Reissue by post" not in page.content
    other, _ = scene.voter()
    url = reverse("ballots:staff-reissue-voter", args=[other.pk])
    assert client.post(url, {"delivery": "post"}).status_code == 403
    assert Credential.objects.filter(voter=other).count() == 1


def test_the_staff_screen_shows_the_codes_history_and_never_a_choice():
    scene = BallotScene()
    voter, _ = scene.voter()
    officer = returning_officer()
    with_post = do_staff_reissue(officer, voter, delivery=Delivery.POST)
    assert with_post is not None
    page = staff_client(officer).get(STAFF, {"number": voter.member.membership_number})
    text = page.content.decode()
    assert "Revoked" in text
    assert "Live" in text
    assert "First issue" in text
    assert "Reissue</td>" in text
    assert "No</dd>" in text
    assert with_post not in text
    assert "Reissue by email" in text


def test_the_officer_reissues_by_post_on_a_letter_shown_once():
    scene = BallotScene()
    voter, old = scene.voter()
    officer = returning_officer()
    client = staff_client(officer)
    response = client.post(
        reverse("ballots:staff-reissue-voter", args=[voter.pk]), {"delivery": "post"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [code] = set(CODE.findall(response.content.decode()))
    assert b"shown only once" in response.content
    credential = find_credential(code)
    assert credential is not None
    assert credential.voter == voter
    assert credential.delivery == Delivery.POST
    assert credential.issued_by == officer
    old_credential = find_credential(old)
    assert old_credential is not None
    assert old_credential.revoked_at is not None
    event = AuditEvent.objects.get(tag=tags.BALLOT_CREDENTIAL_REISSUED)
    assert event.actor == officer
    assert event.data == {
        "membership_number": voter.member.membership_number,
        "delivery": "post",
        "requested_by": "staff",
    }
    assert code not in stored_text()
    assert mail.outbox == []


def test_the_officer_reissues_by_email():
    scene = BallotScene()
    voter, old = scene.voter()
    officer = returning_officer()
    response = staff_client(officer).post(
        reverse("ballots:staff-reissue-voter", args=[voter.pk]), {"delivery": "email"}, follow=True
    )
    assert b"A new code is being emailed" in response.content
    code = emailed_code(voter.member.email)
    credential = find_credential(code)
    assert credential is not None
    assert credential.issued_by == officer
    assert credential.reissue
    event = AuditEvent.objects.get(tag=tags.BALLOT_CREDENTIAL_REISSUED)
    assert event.actor == officer
    assert event.data["delivery"] == "email"
    assert code not in stored_text()
    assert old not in stored_text()


def test_a_used_credential_is_never_reissued():
    scene = BallotScene()
    voter, code = scene.voter()
    do_cast_ballot(find_credential(code), {})
    officer = returning_officer()
    response = staff_client(officer).post(
        reverse("ballots:staff-reissue-voter", args=[voter.pk]), {"delivery": "post"}, follow=True
    )
    assert b"a used credential can never be reissued" in response.content
    assert Credential.objects.filter(voter=voter).count() == 1
    assert not AuditEvent.objects.filter(tag=tags.BALLOT_CREDENTIAL_REISSUED).exists()
    with pytest.raises(ReissueRefused, match="already voted"):
        do_staff_reissue(officer, voter, delivery=Delivery.EMAIL)


def test_no_email_reissue_for_a_member_with_no_email_address():
    scene = BallotScene()
    voter, _ = scene.voter(email="")
    with pytest.raises(ReissueRefused, match="reissue by post"):
        do_staff_reissue(returning_officer(), voter, delivery=Delivery.EMAIL)


def test_only_the_returning_officer_may_reissue():
    scene = BallotScene()
    voter, _ = scene.voter()
    with pytest.raises(PermissionDenied):
        do_staff_reissue(observer(), voter, delivery=Delivery.POST)
    assert Credential.objects.filter(voter=voter).count() == 1


def test_codes_are_not_reissued_after_the_ballot_closes():
    scene = BallotScene(Phase.COUNT)
    voter, _ = scene.voter()
    with pytest.raises(ReissueRefused, match="until the ballot closes"):
        do_staff_reissue(returning_officer(), voter, delivery=Delivery.POST)


def test_the_staff_screen_lists_members_whose_ballot_email_never_went(monkeypatch):
    scene = BallotScene()
    stranded = Voter.objects.create(
        election=scene.election,
        member=make_member(scene.unit, name="Stranded Member"),
        region=scene.region,
        added_at=timezone.now(),
    )

    def refuse(**kwargs: object) -> None:
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(emails, "send_mail", refuse)
    send_ballot_emails.enqueue([stranded.pk], EmailKind.BALLOT)
    page = staff_client(observer()).get(STAFF)
    assert b"Ballot emails not delivered" in page.content
    assert b"Stranded Member" in page.content
