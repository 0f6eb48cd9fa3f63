"""Issuing credentials: the roll, the mail house's print file, the ballot emails, and re-running."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import stat
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.ballots import emails
from hustings.ballots.casting import find_credential
from hustings.ballots.issuing import (
    PRINT_FILE_HEADER,
    IssuingRefused,
    do_issue_credentials,
)
from hustings.ballots.models import BallotEmail, Credential, Delivery, Voter
from hustings.elections.models import Phase
from tests.factories import (
    BallotScene,
    days_ago,
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    observer,
    returning_officer,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


@pytest.fixture(autouse=True)
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Pace emails with a clock that never sleeps; return the sleeps asked for."""
    slept: list[float] = []
    monkeypatch.setattr(emails, "_pacer", emails.Pacer(10, sleep=slept.append))
    return slept


def issue(scene: BallotScene, **kwargs: object) -> tuple[object, list[dict[str, str]]]:
    """Issue credentials as the returning officer; return the report and the print file's rows."""
    buffer = io.StringIO()
    report = do_issue_credentials(returning_officer(), scene.election, print_file=buffer, **kwargs)
    buffer.seek(0)
    rows = list(csv.reader(buffer))
    assert tuple(rows[0]) == PRINT_FILE_HEADER
    return report, [dict(zip(PRINT_FILE_HEADER, row, strict=True)) for row in rows[1:]]


def codes_emailed_to(address: str) -> list[str]:
    return [
        code
        for message in mail.outbox
        if message.to == [address]
        for code in CODE.findall(message.body)
    ]


def test_every_eligible_member_is_put_on_the_roll_with_their_region():
    scene = BallotScene()
    here = make_member(scene.unit)
    away = make_member(scene.elsewhere)
    lapsed = make_member(scene.unit, paid_until=days_ago(60))
    newcomer = make_member(scene.unit, joined_on=timezone.localdate())
    report, _ = issue(scene)
    roll = dict(Voter.objects.filter(election=scene.election).values_list("member_id", "region_id"))
    assert roll[here.pk] == scene.region.pk
    assert roll[away.pk] == scene.elsewhere.region_id
    assert lapsed.pk not in roll
    assert newcomer.pk not in roll
    eligible = set(scene.election.eligible_voters().values_list("pk", flat=True))
    assert set(roll) == eligible
    assert report.added_to_roll == report.roll_size == len(eligible)


def test_members_without_email_are_in_the_print_file_with_working_postal_codes():
    scene = BallotScene()
    postal = make_member(
        scene.unit,
        email="",
        name="Pat Post",
        address="Flat 2\n10 Long Road\nTownsville",
        postcode="ZZ1 9ZZ",
    )
    report, rows = issue(scene)
    assert [row["membership_number"] for row in rows] == [postal.membership_number]
    row = rows[0]
    assert row["name"] == "Pat Post"
    assert row["address"] == "Flat 2 | 10 Long Road | Townsville"
    assert row["postcode"] == "ZZ1 9ZZ"
    assert row["region"] == scene.region.name
    credential = find_credential(row["code"])
    assert credential is not None
    assert credential.voter.member == postal
    assert credential.delivery == Delivery.POST
    assert credential.revoked_at is None
    assert not credential.used
    assert report.letters == 1
    assert not [m for m in mail.outbox if postal.name in m.body]


def test_a_spreadsheet_formula_in_the_register_is_neutralised_in_the_print_file():
    scene = BallotScene()
    make_member(scene.unit, email="", name='=HYPERLINK("http://x")')
    _, rows = issue(scene)
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'


def test_members_with_email_get_a_ballot_email_whose_link_and_code_work():
    scene = BallotScene()
    voter_member = make_member(scene.unit, name="Em Ail")
    report, rows = issue(scene)
    assert rows == []
    sent = [m for m in mail.outbox if m.to == [voter_member.email]]
    assert len(sent) == 1
    body = sent[0].body
    [code] = set(CODE.findall(body))
    credential = find_credential(code)
    assert credential is not None
    assert credential.voter.member == voter_member
    assert credential.delivery == Delivery.EMAIL
    path = reverse("ballots:code", args=[code])
    assert f"http://127.0.0.1:8000{path}" in body or path in body
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("ballots:paper")
    assert report.emails_queued == report.roll_size
    assert (
        BallotEmail.objects.filter(member=voter_member, kind="ballot", status="sent").count() == 1
    )


def test_a_regional_voter_is_told_of_their_regional_contest_and_others_are_not():
    scene = BallotScene()
    here = make_member(scene.unit)
    away = make_member(scene.elsewhere)
    issue(scene)
    [here_email] = [m for m in mail.outbox if m.to == [here.email]]
    [away_email] = [m for m in mail.outbox if m.to == [away.email]]
    assert "- National" in here_email.body
    assert "- Regional" in here_email.body
    assert "- National" in away_email.body
    assert "- Regional" not in away_email.body


def test_running_it_again_issues_nothing_twice_and_only_reaches_newcomers():
    scene = BallotScene()
    make_member(scene.unit, email="")
    make_member(scene.unit)
    first, first_rows = issue(scene)
    sent_before = len(mail.outbox)
    credentials_before = Credential.objects.count()
    again, again_rows = issue(scene)
    assert (again.added_to_roll, again.letters, again.emails_queued) == (0, 0, 0)
    assert again_rows == []
    assert len(mail.outbox) == sent_before
    assert Credential.objects.count() == credentials_before == first.roll_size
    late = make_member(scene.unit)
    late_postal = make_member(scene.unit, email="")
    third, third_rows = issue(scene)
    assert third.added_to_roll == 2
    assert [row["membership_number"] for row in third_rows] == [late_postal.membership_number]
    assert [m.to for m in mail.outbox[sent_before:]] == [[late.email]]
    assert first_rows
    assert len(first_rows) == first.letters


def test_the_emails_can_be_left_for_later():
    scene = BallotScene()
    emailed = make_member(scene.unit)
    report, _ = issue(scene, send_emails=False)
    assert report.emails_queued == 0
    assert mail.outbox == []
    assert not Credential.objects.filter(voter__member=emailed).exists()
    later, _ = issue(scene)
    assert later.emails_queued == report.roll_size
    assert codes_emailed_to(emailed.email)


def test_issuing_is_refused_until_every_ballot_list_is_confirmed():
    election = make_election(Phase.BALLOT_PENDING)
    contest = make_contest(election, name="Unconfirmed Contest")
    make_candidacy(contest)
    make_member()
    with pytest.raises(IssuingRefused, match="Unconfirmed Contest"):
        do_issue_credentials(returning_officer(), election, print_file=io.StringIO())
    assert not Voter.objects.filter(election=election).exists()


@pytest.mark.parametrize("phase", [Phase.NOMINATIONS, Phase.COUNT])
def test_issuing_is_refused_outside_the_ballot_phases(phase):
    scene = BallotScene(phase)
    with pytest.raises(IssuingRefused, match="phase"):
        do_issue_credentials(returning_officer(), scene.election, print_file=io.StringIO())
    assert not Voter.objects.filter(election=scene.election).exists()


def test_issuing_is_allowed_before_the_ballot_opens():
    scene = BallotScene(Phase.BALLOT_PENDING)
    make_member(scene.unit, email="")
    _, rows = issue(scene)
    assert len(rows) == 1


def test_only_the_returning_officer_may_issue():
    scene = BallotScene()
    with pytest.raises(PermissionDenied):
        do_issue_credentials(observer(), scene.election, print_file=io.StringIO())
    assert not Voter.objects.exists()


def test_issuing_is_audited_with_counts_and_no_code_is_logged_anywhere(
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.DEBUG)
    scene = BallotScene()
    make_member(scene.unit, email="")
    make_member(scene.unit)
    report, rows = issue(scene)
    event = AuditEvent.objects.get(tag=tags.BALLOT_CREDENTIALS_ISSUED)
    assert event.data == {
        "added_to_roll": report.added_to_roll,
        "roll_size": report.roll_size,
        "letters": report.letters,
        "emails_queued": report.emails_queued,
        "email_tasks": report.email_tasks,
    }
    codes = {row["code"] for row in rows} | {
        code for message in mail.outbox for code in CODE.findall(message.body)
    }
    assert len(codes) == report.roll_size
    stored = " ".join(
        json.dumps(e.data) + e.object_repr for e in AuditEvent.objects.all()
    ) + " ".join(BallotEmail.objects.values_list("error", flat=True))
    stored += caplog.text
    assert "send_ballot_emails" in caplog.text
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_letters_are_minted_in_bulk_not_one_query_per_member():
    scene = BallotScene()
    for _ in range(300):
        make_member(scene.unit, email="")
    with CaptureQueriesContext(connection) as queries:
        report, rows = issue(scene, send_emails=False)
    assert report.letters == len(rows) == 300
    # Reading the roll, minting and writing go in chunks: a few dozen queries, not hundreds.
    assert len(queries) < 60


def test_the_command_writes_a_private_print_file_and_refuses_to_overwrite(tmp_path: Path):
    scene = BallotScene()
    make_member(scene.unit, email="")
    target = tmp_path / "letters.csv"
    out = io.StringIO()
    call_command(
        "issue_credentials", scene.election.slug, "--print-file", str(target), "--yes", stdout=out
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert tuple(rows[0]) == PRINT_FILE_HEADER
    assert len(rows) == 2
    assert "Letters in the print file: 1" in out.getvalue()
    assert str(target.resolve()) in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("issue_credentials", scene.election.slug, "--print-file", str(target), "--yes")
    call_command(
        "issue_credentials",
        scene.election.slug,
        "--print-file",
        str(target),
        "--yes",
        "--force",
        stdout=io.StringIO(),
    )
    assert len(list(csv.reader(target.open(encoding="utf-8")))) == 1


def test_the_command_without_yes_issues_nothing(tmp_path: Path):
    scene = BallotScene()
    make_member(scene.unit, email="")
    target = tmp_path / "letters.csv"
    out = io.StringIO()
    call_command("issue_credentials", scene.election.slug, "--print-file", str(target), stdout=out)
    assert "Nothing issued" in out.getvalue()
    assert not target.exists()
    assert not Voter.objects.exists()


def test_the_command_names_an_unknown_election(tmp_path: Path):
    with pytest.raises(CommandError, match="no election with the slug 'nope'"):
        call_command("issue_credentials", "nope", "--print-file", str(tmp_path / "x.csv"), "--yes")
