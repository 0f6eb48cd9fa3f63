"""Reminders: only to members on the roll with an email address who have not voted; never a code."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.ballots import emails
from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.emails import Pacer
from hustings.ballots.models import BallotEmail, Channel
from hustings.ballots.reminders import RemindersRefused, do_send_reminders
from hustings.elections.models import Phase
from tests.factories import BallotScene, make_voter, observer, returning_officer

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}")


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pace emails without sleeping."""
    monkeypatch.setattr(emails, "_pacer", Pacer(10, sleep=lambda seconds: None))


def test_reminders_go_only_to_voters_with_email_who_have_not_voted():
    scene = BallotScene()
    waiting, waiting_code = scene.voter()
    _online, online_code = scene.voter()
    _postal, postal_code = scene.voter()
    scene.voter(email="")
    do_cast_ballot(find_credential(online_code), {})
    do_cast_ballot(find_credential(postal_code), {}, channel=Channel.POSTAL)
    elsewhere = BallotScene()
    make_voter(elsewhere.election)
    queued = do_send_reminders(returning_officer(), scene.election)
    assert queued == 1
    [message] = mail.outbox
    assert message.to == [waiting.member.email]
    assert "Reminder" in message.subject
    assert "http://127.0.0.1:8000/ballot/lost-code/" in message.body
    assert waiting.member.membership_number in message.body
    assert not CODE.search(message.body)
    assert waiting_code not in message.body
    reminders = BallotEmail.objects.filter(kind="reminder").values_list("member_id", "status")
    assert list(reminders) == [(waiting.member_id, "sent")]
    credential = find_credential(waiting_code)
    assert credential is not None
    assert credential.revoked_at is None


def test_sending_reminders_is_audited_with_the_count():
    scene = BallotScene()
    for _ in range(3):
        scene.voter()
    officer = returning_officer()
    do_send_reminders(officer, scene.election)
    event = AuditEvent.objects.get(tag=tags.BALLOT_REMINDERS_SENT)
    assert event.actor == officer
    assert event.data == {"reminders_queued": 3, "email_tasks": 1}


@pytest.mark.parametrize("phase", [Phase.BALLOT_PENDING, Phase.COUNT])
def test_reminders_are_sent_only_while_the_ballot_is_open(phase):
    scene = BallotScene(phase)
    scene.voter()
    with pytest.raises(RemindersRefused, match="only while its ballot is open"):
        do_send_reminders(returning_officer(), scene.election)
    assert mail.outbox == []


def test_only_the_returning_officer_may_send_reminders():
    scene = BallotScene()
    scene.voter()
    with pytest.raises(PermissionDenied):
        do_send_reminders(observer(), scene.election)
    assert mail.outbox == []


def test_the_command_counts_without_yes_and_sends_with_it():
    scene = BallotScene()
    scene.voter()
    scene.voter()
    out = io.StringIO()
    call_command("send_reminders", scene.election.slug, stdout=out)
    assert "Nothing sent. 2 member(s)" in out.getvalue()
    assert mail.outbox == []
    call_command("send_reminders", scene.election.slug, "--yes", stdout=out)
    assert "2 reminder(s) queued" in out.getvalue()
    assert len(mail.outbox) == 2


def test_the_command_refuses_outside_the_ballot():
    scene = BallotScene(Phase.COUNT)
    with pytest.raises(CommandError, match="only while its ballot is open"):
        call_command("send_reminders", scene.election.slug, "--yes", stdout=io.StringIO())
