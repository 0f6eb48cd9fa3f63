"""Ballot email tasks: what the email says, failures logged and retried, pacing, and no code kept."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hustings.ballots import emails
from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.emails import (
    MAX_ATTEMPTS,
    Pacer,
    deliver_batch,
    failed_ballot_emails,
    send_ballot_emails,
)
from hustings.ballots.models import BallotEmail, Credential, EmailKind, EmailStatus, Voter
from tests.factories import BallotScene, make_member

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
BARE_CODE = re.compile(r"\b[0-9A-Z]{16}\b")


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Pace emails with a pacer that records sleeps instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr(emails, "_pacer", Pacer(10, sleep=slept.append))
    return slept


def rolled(scene: BallotScene, *members: object) -> list[Voter]:
    """Put members on the roll with no code yet, as issuing does."""
    return [
        Voter.objects.create(
            election=scene.election,
            member=member,
            region_id=member.unit.region_id,  # type: ignore[attr-defined]
            added_at=timezone.now(),
        )
        for member in members
    ]


class FlakyMail:
    """Stands in for send_mail: fails the first `failures` calls, echoing the body as a server might."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(
        self, *, subject: str, message: str, from_email: object, recipient_list: list[str]
    ):
        self.calls += 1
        if self.calls <= self.failures:
            raise smtplib.SMTPDataError(451, f"try later; you sent: {message}")
        mail.send_mail(subject, message, None, recipient_list)


def test_the_ballot_email_has_the_link_code_close_contests_and_help():
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit, name="Ada Voter"))
    with override_settings(HUSTINGS_RETURNING_OFFICER_CONTACT="ro@example.org or 020 7946 0000"):
        send_ballot_emails.enqueue([voter.pk], EmailKind.BALLOT)
    [message] = mail.outbox
    body = message.body
    assert message.to == [voter.member.email]
    assert scene.election.name in message.subject
    [code] = set(CODE.findall(body))
    assert f"http://127.0.0.1:8000/ballot/code/{code}/" in body
    assert f"Voting code:       {code}" in body
    assert f"Membership number: {voter.member.membership_number}" in body
    close = timezone.localtime(scene.election.ballot_close_at)
    assert f"{close:%-d %B %Y} at {close:%H:%M}" in body
    assert "- National" in body
    assert "- Regional" in body
    assert "http://127.0.0.1:8000/ballot/lost-code/" in body
    assert "ro@example.org or 020 7946 0000" in body
    assert "Hello Ada Voter" in body
    credential = find_credential(code)
    assert credential is not None
    assert credential.voter == voter


def test_without_a_contact_setting_the_email_gives_generic_help():
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit))
    with override_settings(HUSTINGS_RETURNING_OFFICER_CONTACT=""):
        send_ballot_emails.enqueue([voter.pk], EmailKind.BALLOT)
    assert "contact the returning officer by replying to this email" in mail.outbox[0].body


def test_each_send_is_logged_without_the_code():
    scene = BallotScene()
    voters = rolled(scene, make_member(scene.unit), make_member(scene.elsewhere))
    send_ballot_emails.enqueue([v.pk for v in voters], EmailKind.BALLOT)
    rows = BallotEmail.objects.filter(election=scene.election)
    assert sorted(rows.values_list("member_id", "kind", "status", "attempt")) == sorted(
        (v.member_id, "ballot", "sent", 1) for v in voters
    )
    for message in mail.outbox:
        for code in CODE.findall(message.body):
            for row in rows:
                assert code not in str(row.__dict__)


def test_a_voter_who_holds_a_code_or_has_voted_is_not_sent_another(no_sleeping):
    scene = BallotScene()
    holder, _ = scene.voter()
    voted, code = scene.voter()
    do_cast_ballot(find_credential(code), {})
    [fresh] = rolled(scene, make_member(scene.unit))
    result = deliver_batch([holder.pk, voted.pk, fresh.pk], EmailKind.BALLOT)
    assert (result.sent, result.skipped, result.failed) == (1, 2, 0)
    assert [m.to for m in mail.outbox] == [[fresh.member.email]]
    assert Credential.objects.filter(voter=holder).count() == 1


def test_a_failed_send_leaves_no_live_code_logs_the_failure_and_is_retried(monkeypatch):
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit))
    flaky = FlakyMail(failures=1)
    monkeypatch.setattr(emails, "send_mail", flaky)
    send_ballot_emails.enqueue([voter.pk], EmailKind.BALLOT)
    # The test backend runs the retry at once (it cannot defer): attempt 1 failed, 2 went.
    rows = list(
        BallotEmail.objects.filter(member=voter.member)
        .order_by("attempt")
        .values_list("attempt", "status", "error")
    )
    assert [(a, s) for a, s, _ in rows] == [(1, "failed"), (2, "sent")]
    error = rows[0][2]
    assert error.startswith("SMTPDataError")
    assert not CODE.search(error)
    assert not BARE_CODE.search(error)
    assert "[code]" in error
    # The failed attempt's code was rolled back with it: one credential, the emailed one.
    [credential] = Credential.objects.filter(voter=voter)
    [message] = mail.outbox
    [code] = set(CODE.findall(message.body))
    assert find_credential(code) == credential


def test_a_voter_whose_email_always_fails_is_shown_as_failed_after_the_last_attempt(monkeypatch):
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit))
    flaky = FlakyMail(failures=100)
    monkeypatch.setattr(emails, "send_mail", flaky)
    send_ballot_emails.enqueue([voter.pk], EmailKind.BALLOT)
    attempts = list(
        BallotEmail.objects.filter(member=voter.member)
        .order_by("attempt")
        .values_list("attempt", "status")
    )
    assert attempts == [(n, "failed") for n in range(1, MAX_ATTEMPTS + 1)]
    assert flaky.calls == MAX_ATTEMPTS
    assert not Credential.objects.filter(voter=voter).exists()
    assert list(failed_ballot_emails(scene.election)) == [voter]
    for error in BallotEmail.objects.values_list("error", flat=True):
        assert not CODE.search(error)
        assert not BARE_CODE.search(error)


def test_a_member_with_no_email_is_logged_as_failed_and_not_retried():
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit, email=""))
    send_ballot_emails.enqueue([voter.pk], EmailKind.BALLOT)
    [row] = BallotEmail.objects.filter(member=voter.member)
    assert (row.status, row.attempt) == (EmailStatus.FAILED, 1)
    assert "no email address" in row.error
    assert not Credential.objects.filter(voter=voter).exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_a_deferring_backend_a_retry_is_queued_for_later(monkeypatch):
    scene = BallotScene()
    [voter] = rolled(scene, make_member(scene.unit))
    monkeypatch.setattr(emails, "send_mail", FlakyMail(failures=1))
    before = timezone.now()
    result = send_ballot_emails.call([voter.pk], EmailKind.BALLOT)
    assert result == {"sent": 0, "failed": 1, "skipped": 0}
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [[voter.pk], "ballot", 2, None]
    assert queued.run_after is not None
    assert queued.run_after >= before + timedelta(minutes=1)
    assert queued.run_after <= timezone.now() + timedelta(minutes=1)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_voter_ids_are_all_a_queued_task_holds():
    scene = BallotScene()
    voters = rolled(scene, *(make_member(scene.unit) for _ in range(5)))
    queued, tasks = emails.enqueue_batches([v.pk for v in voters], EmailKind.BALLOT, size=2)
    assert (queued, tasks) == (5, 3)
    stored = [row.args_kwargs for row in DBTaskResult.objects.order_by("enqueued_at")]
    assert sorted(len(s["args"][0]) for s in stored) == [1, 2, 2]
    assert not Credential.objects.exists()
    assert mail.outbox == []


def test_the_pacer_spaces_sends_to_the_rate():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pacer.wait()
    assert slept == [0.25, 0.25]
    now[0] += 10
    pacer.wait()
    assert slept == [0.25, 0.25]


def test_every_email_in_a_batch_waits_for_the_pacer():
    scene = BallotScene()
    voters = rolled(scene, *(make_member(scene.unit) for _ in range(3)))

    class Counting(Pacer):
        calls = 0

        def wait(self) -> None:
            Counting.calls += 1

    deliver_batch([v.pk for v in voters], EmailKind.BALLOT, pacer=Counting(10))
    assert Counting.calls == 3
    assert len(mail.outbox) == 3


def test_the_worker_pacer_follows_the_setting(monkeypatch):
    monkeypatch.setattr(emails, "_pacer", None)
    with override_settings(HUSTINGS_EMAIL_RATE=25):
        assert emails.worker_pacer().interval == pytest.approx(0.04)
    monkeypatch.setattr(emails, "_pacer", None)


def test_a_receipt_cannot_be_sent_as_a_batch():
    with pytest.raises(ValueError, match="receipt"):
        deliver_batch([], EmailKind.RECEIPT)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_reissue_is_queued_ahead_of_the_bulk_ballot_emails():
    scene = BallotScene()
    first, second = rolled(scene, make_member(scene.unit), make_member(scene.unit))
    emails.enqueue_batches([first.pk], EmailKind.BALLOT)
    emails.enqueue_batches([second.pk], EmailKind.REISSUE)
    priorities = {row.args_kwargs["args"][1]: row.priority for row in DBTaskResult.objects.all()}
    assert priorities["reissue"] > priorities["ballot"]


def test_a_reissue_whose_email_fails_leaves_the_old_code_working(monkeypatch):
    scene = BallotScene()
    voter, old = scene.voter()
    monkeypatch.setattr(emails, "send_mail", FlakyMail(failures=100))
    send_ballot_emails.enqueue([voter.pk], EmailKind.REISSUE)
    logged = BallotEmail.objects.filter(member=voter.member).values_list("kind", "status")
    assert set(logged) == {("reissue", "failed")}
    [credential] = Credential.objects.filter(voter=voter)
    assert find_credential(old) == credential
    assert credential.revoked_at is None
    do_cast_ballot(credential, {})
