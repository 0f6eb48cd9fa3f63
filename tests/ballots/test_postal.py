"""Postal ballots: each returned paper is checked like an online vote; rejects are reported, not kept.

An accepted paper is cast like an online vote: sealed into the ballot box, with the roll and the
credential marked. These tests open the box as the count's start does to read what was stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.ballots import postal
from hustings.ballots.casting import BallotClosed, do_cast_ballot, find_credential
from hustings.ballots.models import Channel, Credential, PostalBatch, SealedBallot, Voter
from hustings.ballots.postal import PostalFileError, do_import_postal, postal_header
from hustings.ballots.roll import mint_credential
from hustings.elections.models import Election, Phase
from hustings.members.actions import Upload
from hustings.results import actions
from hustings.results.actions import do_start_count
from tests.accounts.helpers import staff_client
from tests.ballots.helpers import (
    OpenedBallot,
    ballots,
    open_and_read,
    readable_rows,
    sealed,
    trackers,
)
from tests.factories import (
    BallotScene,
    make_contest,
    make_election,
    member,
    observer,
    outsider,
    returning_officer,
)

pytestmark = pytest.mark.django_db

# What postal._rows returns: the header, and each row with its line.
Rows = tuple[list[str], list[tuple[int, list[str]]]]


def box(contest, position: int) -> str:
    return f"{contest.slug}:{position}"


def postal_file(scene: BallotScene, papers: list[tuple[str, dict[str, str]]]) -> Upload:
    """Return a postal file: each paper is its code and {column: cell}; other cells empty."""
    header = postal_header(scene.election)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for code, cells in papers:
        writer.writerow([code, *(cells.get(name, "") for name in header[1:])])
    return Upload(out.getvalue().encode(), "batch-1.csv")


def national(scene: BallotScene, *positions: int, mark: str = "X") -> dict[str, str]:
    return {box(scene.national, p): mark for p in positions}


def regional(scene: BallotScene, *preferences: tuple[int, str]) -> dict[str, str]:
    return {box(scene.regional, p): text for p, text in preferences}


def stored(scene: BallotScene) -> list[OpenedBallot]:
    """Open the election's ballot box as the count's start does; return the ballots it held."""
    assert readable_rows(scene.election) == (0, 0, 0)
    return open_and_read(scene.election)


def choices(scene: BallotScene) -> list[dict[int, list[int]]]:
    """Open the ballot box; return each ballot's choices, checking every one came by post."""
    opened = stored(scene)
    assert {ballot.channel for ballot in opened} <= {Channel.POSTAL}
    return [ballot.choices for ballot in opened]


def boxes(scene: BallotScene) -> int:
    """Return how many ballots of the election are sealed in its ballot box."""
    return SealedBallot.objects.filter(election=scene.election).count()


def reasons(report) -> list[tuple[int, str]]:
    return [(rejection.line, rejection.reason) for rejection in report.rejections]


def test_the_header_is_code_then_every_candidate_box_in_ballot_order():
    scene = BallotScene()
    assert postal_header(scene.election) == [
        "code",
        *(box(scene.national, p) for p in (1, 2, 3, 4)),
        *(box(scene.regional, p) for p in (1, 2, 3)),
    ]


def test_an_accepted_paper_is_cast_by_post_with_its_marks_and_ranking():
    scene = BallotScene()
    voter, code = scene.voter()

    report = do_import_postal(
        None,
        scene.election,
        postal_file(
            scene, [(code, {**national(scene, 4, 1), **regional(scene, (3, "1"), (1, "2"))})]
        ),
    )

    assert (report.rows, report.accepted, report.rejections) == (1, 1, ())
    voter.refresh_from_db()
    assert voter.voted == Channel.POSTAL
    credential = Credential.objects.get(voter=voter)
    assert credential.used
    [box] = sealed(scene.election)
    assert (box.channel, box.tracker) == (Channel.POSTAL, credential.tracker)
    assert stored(scene) == [
        OpenedBallot(
            Channel.POSTAL,
            {
                scene.national.pk: [
                    scene.national_candidates[0].pk,
                    scene.national_candidates[3].pk,
                ],
                scene.regional.pk: [
                    scene.regional_candidates[2].pk,
                    scene.regional_candidates[0].pk,
                ],
            },
        )
    ]
    assert trackers(scene.election) == [credential.tracker]


def test_block_marks_may_be_x_1_or_a_tick_and_codes_any_case():
    scene = BallotScene()
    papers = []
    for mark in ("X", "x", "1", "✓"):
        _, code = scene.voter()
        papers.append((code.lower(), national(scene, 2, mark=mark)))

    report = do_import_postal(None, scene.election, postal_file(scene, papers))

    assert report.accepted == 4
    assert (
        choices(scene)
        == [{scene.national.pk: [scene.national_candidates[1].pk], scene.regional.pk: []}] * 4
    )


def test_an_empty_section_is_a_blank_vote_in_that_contest():
    scene = BallotScene()
    _, code = scene.voter()

    report = do_import_postal(None, scene.election, postal_file(scene, [(code, {})]))

    assert report.accepted == 1
    assert choices(scene) == [{scene.national.pk: [], scene.regional.pk: []}]


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        # Preferences stop at the first gap: 4 with no 3 is ignored.
        (((1, "1"), (2, "2"), (3, "4")), [0, 1]),
        # ... and at a repeated number: both 2s and everything after them are ignored.
        (((1, "1"), (2, "2"), (3, "2")), [0]),
        # A number beyond the candidates is only a gap.
        (((2, "1"), (3, "9")), [1]),
        (((3, "1"), (1, "2"), (2, "3")), [2, 0, 1]),
    ],
)
def test_stv_preferences_stop_at_the_first_gap_or_repeated_number(preferences, expected):
    scene = BallotScene()
    _, code = scene.voter()

    report = do_import_postal(
        None, scene.election, postal_file(scene, [(code, regional(scene, *preferences))])
    )

    assert report.accepted == 1
    assert choices(scene) == [
        {
            scene.national.pk: [],
            scene.regional.pk: [scene.regional_candidates[i].pk for i in expected],
        }
    ]


def test_every_kind_of_bad_row_is_rejected_with_its_line_and_reason_and_none_is_stored():
    scene = BallotScene()
    online_voter, online_code = scene.voter()
    do_cast_ballot(find_credential(online_code), {})
    replaced_voter, replaced_code = scene.voter()
    with transaction.atomic():
        mint_credential(replaced_voter, reissue=True)
    _, elsewhere_code = scene.voter(in_region=False)
    codes = [scene.voter()[1] for _ in range(8)]
    good_voter, good_code = scene.voter()
    rows = [
        ("ZZZZ-ZZZZ-ZZZZ-ZZZZ", national(scene, 1)),  # line 2
        ("not a code", {}),  # 3
        ("", national(scene, 1)),  # 4
        (replaced_code, national(scene, 1)),  # 5
        (online_code, national(scene, 1)),  # 6
        (codes[0], national(scene, 1, 2, 3)),  # 7: three marks, two seats
        (codes[1], national(scene, 1, mark="Y")),  # 8
        (codes[2], regional(scene, (1, "X"))),  # 9
        (codes[3], regional(scene, (1, "2"), (2, "3"))),  # 10: no first preference
        (codes[4], regional(scene, (1, "1"), (2, "1"))),  # 11: two first preferences
        (codes[5], regional(scene, (1, "0"))),  # 12
        (codes[6], regional(scene, (1, "1.5"))),  # 13
        (elsewhere_code, regional(scene, (1, "1"))),  # 14: not on their paper
        (good_code, national(scene, 2)),  # 15: accepted
        (good_code, national(scene, 3)),  # 16: the same paper again
    ]
    upload = postal_file(scene, rows)
    # Line 17: a row with a cell beyond the header.
    upload = Upload(upload.data + f"{codes[7]},X,,,,,,,X\r\n".encode(), upload.name)

    report = do_import_postal(None, scene.election, upload)

    assert reasons(report) == [
        (2, "unknown-code"),
        (3, "unknown-code"),
        (4, "unknown-code"),
        (5, "replaced-code"),
        (6, "already-voted"),
        (7, "spoilt"),
        (8, "bad-cell"),
        (9, "bad-cell"),
        (10, "spoilt"),
        (11, "spoilt"),
        (12, "bad-cell"),
        (13, "bad-cell"),
        (14, "not-on-paper"),
        (16, "already-voted"),
        (17, "unknown-column"),
    ]
    messages = {r.line: r.message for r in report.rejections}
    assert messages[6] == "already voted online"
    assert "too many marks" in messages[7]
    assert "no first preference" in messages[10]
    assert "more than one first preference" in messages[11]
    assert messages[16] == "already voted by post, on line 15 of this file"
    assert (report.rows, report.accepted) == (16, 1)
    assert dict(report.by_reason()) == {
        "unknown code": 3,
        "replaced code": 1,
        "already voted": 2,
        "unknown column": 1,
        "bad cell value": 4,
        "mark in a contest not on the voter's paper": 1,
        "spoilt": 3,
    }
    # Only the good row was stored: the online ballot and the postal one.
    voted = dict(Voter.objects.exclude(voted="").values_list("pk", "voted"))
    assert voted == {online_voter.pk: Channel.ONLINE, good_voter.pk: Channel.POSTAL}
    assert Credential.objects.filter(used=True).count() == 2
    assert sorted(stored(scene), key=lambda ballot: ballot.channel) == [
        OpenedBallot(Channel.ONLINE, {scene.national.pk: [], scene.regional.pk: []}),
        OpenedBallot(
            Channel.POSTAL,
            {scene.national.pk: [scene.national_candidates[1].pk], scene.regional.pk: []},
        ),
    ]


def test_the_batch_records_the_file_and_every_rejection_but_never_a_code():
    scene = BallotScene()
    _, good = scene.voter()
    _, spoilt = scene.voter()
    upload = postal_file(scene, [(good, national(scene, 1)), (spoilt, national(scene, 1, 2, 3))])
    officer = returning_officer()

    do_import_postal(officer, scene.election, upload)

    batch = PostalBatch.objects.get()
    assert (batch.filename, batch.rows, batch.accepted) == ("batch-1.csv", 2, 1)
    assert batch.sha256 == hashlib.sha256(upload.data).hexdigest()
    assert batch.imported_by == officer
    assert [(r["line"], r["reason"]) for r in batch.rejections] == [(3, "spoilt")]
    event = AuditEvent.objects.get(tag=tags.BALLOT_POSTAL_IMPORTED)
    assert event.data["accepted"] == 1
    assert event.data["rejected"] == {"spoilt": 1}
    assert event.data["sha256"] == batch.sha256
    for text in (json.dumps(batch.rejections), json.dumps(event.data)):
        for code in (good, spoilt):
            assert code not in text
            assert code.replace("-", "") not in text


def test_importing_the_same_file_twice_accepts_nothing_the_second_time():
    scene = BallotScene()
    papers = [(scene.voter()[1], national(scene, 1)) for _ in range(3)]
    upload = postal_file(scene, papers)

    first = do_import_postal(None, scene.election, upload)
    second = do_import_postal(None, scene.election, upload)

    assert first.accepted == 3
    assert second.accepted == 0
    assert [r.reason for r in second.rejections] == ["already-voted"] * 3
    assert second.rejections[0].message == "already voted by post, in an earlier batch"
    assert boxes(scene) == 3
    assert (
        choices(scene)
        == [{scene.national.pk: [scene.national_candidates[0].pk], scene.regional.pk: []}] * 3
    )
    assert PostalBatch.objects.count() == 2


def test_a_postal_paper_then_an_online_vote_is_refused_online():
    scene = BallotScene()
    _, code = scene.voter()
    do_import_postal(None, scene.election, postal_file(scene, [(code, national(scene, 1))]))

    response = Client().get(reverse("ballots:code", args=[code]))

    assert b"already voted" in response.content
    assert boxes(scene) == 1
    assert [ballot.channel for ballot in stored(scene)] == [Channel.POSTAL]


def test_checking_only_stores_nothing_but_reports_the_same():
    scene = BallotScene()
    _, good = scene.voter()
    _, spoilt = scene.voter()
    upload = postal_file(scene, [(good, national(scene, 1)), (spoilt, national(scene, 1, 2, 3))])

    report = do_import_postal(None, scene.election, upload, check_only=True)

    assert (report.accepted, reasons(report)) == (1, [(3, "spoilt")])
    assert report.batch is None
    assert not SealedBallot.objects.exists()
    assert not Credential.objects.filter(used=True).exists()
    assert not PostalBatch.objects.exists()
    assert not Voter.objects.exclude(voted="").exists()
    assert not AuditEvent.objects.filter(tag=tags.BALLOT_POSTAL_IMPORTED).exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["code", "no-such-contest:1"], "column 2 ('no-such-contest:1') is not a candidate box"),
        (["membership", "x"], "the first column must be 'code'"),
    ],
)
def test_a_bad_header_refuses_the_whole_file_naming_the_column(header, message):
    scene = BallotScene()
    _, code = scene.voter()
    data = ",".join(header) + "\r\n" + code + ",X\r\n"

    with pytest.raises(PostalFileError, match=re.escape(message)):
        do_import_postal(None, scene.election, Upload(data.encode(), "bad.csv"))

    assert not SealedBallot.objects.exists()
    assert not PostalBatch.objects.exists()


def test_a_box_position_not_on_the_ballot_and_missing_boxes_are_refused():
    scene = BallotScene()
    header = postal_header(scene.election)
    beyond = f"{scene.national.slug}:5"

    with pytest.raises(PostalFileError, match=f"'{beyond}'"):
        do_import_postal(None, scene.election, Upload(",".join([*header, beyond]).encode(), "a"))
    with pytest.raises(PostalFileError, match=f"missing column\\(s\\): {header[-1]}"):
        do_import_postal(None, scene.election, Upload(",".join(header[:-1]).encode(), "b"))
    with pytest.raises(PostalFileError, match="more than once"):
        do_import_postal(None, scene.election, Upload(",".join([*header, header[1]]).encode(), "c"))


def test_an_election_without_a_confirmed_ballot_takes_no_postal_papers():
    election = make_election(Phase.BALLOT)
    make_contest(election)

    with pytest.raises(PostalFileError, match="no confirmed ballot paper"):
        do_import_postal(None, election, Upload(b"code\r\n", "empty.csv"))


@pytest.mark.parametrize("phase", [Phase.BALLOT_PENDING, Phase.RESULTS])
def test_postal_ballots_cannot_be_entered_before_the_ballot_or_after_the_results(phase):
    scene = BallotScene(phase)
    _, code = scene.voter()

    with pytest.raises(PostalFileError, match="cannot be entered now"):
        do_import_postal(None, scene.election, postal_file(scene, [(code, national(scene, 1))]))

    assert not SealedBallot.objects.exists()
    assert not Voter.objects.exclude(voted="").exists()


def test_papers_received_by_the_close_may_be_entered_during_the_count():
    scene = BallotScene(Phase.COUNT)
    _, code = scene.voter()

    report = do_import_postal(
        None, scene.election, postal_file(scene, [(code, national(scene, 1))])
    )

    assert report.accepted == 1
    assert choices(scene) == [
        {scene.national.pk: [scene.national_candidates[0].pk], scene.regional.pk: []}
    ]


# -- The command -------------------------------------------------------------------------------


def write(tmp_path: Path, upload: Upload) -> Path:
    path = tmp_path / upload.name
    path.write_bytes(upload.data)
    return path


def test_the_command_prints_the_template_header():
    scene = BallotScene()
    out = StringIO()

    call_command("import_postal", scene.election.slug, "--template", stdout=out)

    assert out.getvalue() == ",".join(postal_header(scene.election)) + "\n"


def test_the_command_only_checks_without_yes_and_stores_with_it(tmp_path):
    scene = BallotScene()
    _, good = scene.voter()
    path = write(tmp_path, postal_file(scene, [(good, national(scene, 1))]))
    out = StringIO()

    call_command("import_postal", scene.election.slug, str(path), stdout=out)
    assert "Checked only, nothing stored" in out.getvalue()
    assert not SealedBallot.objects.exists()

    call_command("import_postal", scene.election.slug, str(path), "--yes", stdout=out)
    assert "1 row(s) read: 1 accepted, 0 rejected." in out.getvalue()
    assert choices(scene) == [
        {scene.national.pk: [scene.national_candidates[0].pk], scene.regional.pk: []}
    ]


def test_the_command_lists_rejected_rows_and_fails(tmp_path):
    scene = BallotScene()
    _, good = scene.voter()
    _, spoilt = scene.voter()
    path = write(
        tmp_path,
        postal_file(scene, [(good, national(scene, 1)), (spoilt, national(scene, 1, 2, 3))]),
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 row\\(s\\) rejected") as raised:
        call_command(
            "import_postal", scene.election.slug, str(path), "--yes", stdout=out, stderr=err
        )

    assert raised.value.returncode == 1
    assert f"{path}:3: spoilt: too many marks in National" in err.getvalue()
    assert "spoilt: 1" in out.getvalue()
    assert boxes(scene) == 1


def test_the_command_refuses_a_bad_header_with_the_file_name(tmp_path):
    scene = BallotScene()
    path = tmp_path / "bad.csv"
    path.write_text("code,nowhere:1\n")

    with pytest.raises(CommandError, match=re.escape("bad.csv: column 2 ('nowhere:1')")):
        call_command("import_postal", scene.election.slug, str(path), "--yes")


# -- The upload screen -------------------------------------------------------------------------


def test_the_returning_officer_uploads_a_file_and_sees_the_report():
    scene = BallotScene()
    _, good = scene.voter()
    _, spoilt = scene.voter()
    upload = postal_file(scene, [(good, national(scene, 1)), (spoilt, national(scene, 1, 2, 3))])
    client = staff_client(returning_officer())
    url = reverse("ballots:staff-postal", args=[scene.election.slug])

    response = client.post(url, {"file": _file(upload)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 rows read: 1 accepted and stored, 1 rejected." in page
    assert "spoilt: too many marks in National" in page
    assert good not in page
    assert spoilt not in page
    assert PostalBatch.objects.get().accepted == 1


def test_the_upload_screen_shows_a_bad_header_as_a_form_error():
    scene = BallotScene()
    client = staff_client(returning_officer())
    url = reverse("ballots:staff-postal", args=[scene.election.slug])

    response = client.post(url, {"file": _file(Upload(b"code,nowhere:1\r\n", "bad.csv"))})

    assert response.status_code == 400
    assert "column 2 (&#x27;nowhere:1&#x27;) is not a candidate box" in response.content.decode()
    assert not PostalBatch.objects.exists()


def test_the_upload_screen_can_check_a_file_without_storing_it():
    scene = BallotScene()
    _, good = scene.voter()
    client = staff_client(returning_officer())
    url = reverse("ballots:staff-postal", args=[scene.election.slug])

    response = client.post(
        url, {"file": _file(postal_file(scene, [(good, national(scene, 1))])), "check_only": "on"}
    )

    assert "nothing stored" in response.content.decode()
    assert not SealedBallot.objects.exists()


def test_the_upload_screen_says_when_postal_ballots_cannot_be_entered():
    scene = BallotScene(Phase.RESULTS)
    client = staff_client(returning_officer())

    response = client.get(reverse("ballots:staff-postal", args=[scene.election.slug]))

    assert response.status_code == 200
    assert "cannot be entered now" in response.content.decode()
    assert b'type="file"' not in response.content


def test_only_the_returning_officer_may_import_postal_ballots():
    scene = BallotScene()
    _, code = scene.voter()
    url = reverse("ballots:staff-postal", args=[scene.election.slug])
    upload = postal_file(scene, [(code, national(scene, 1))])

    assert staff_client(observer()).post(url, {"file": _file(upload)}).status_code == 403
    for persona in (member, outsider):
        signed_in = Client()
        signed_in.force_login(persona())
        assert signed_in.post(url, {"file": _file(upload)}).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert not SealedBallot.objects.exists()
    assert not Voter.objects.exclude(voted="").exists()


def test_staff_may_download_the_template_header():
    scene = BallotScene()
    client = staff_client(observer())

    response = client.get(reverse("ballots:staff-postal-template", args=[scene.election.slug]))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().strip() == ",".join(postal_header(scene.election))


def _file(upload: Upload) -> SimpleUploadedFile:
    return SimpleUploadedFile(upload.name, upload.data, content_type="text/csv")


def test_postal_ballots_stop_once_the_count_starts():
    scene = BallotScene(Phase.COUNT)
    _, early = scene.voter()
    late_voter, late = scene.voter()
    do_import_postal(None, scene.election, postal_file(scene, [(early, national(scene, 1))]))
    do_start_count(None, scene.election, run_now=True)

    with pytest.raises(PostalFileError, match="until the count starts"):
        do_import_postal(None, scene.election, postal_file(scene, [(late, national(scene, 1))]))
    with pytest.raises(BallotClosed):
        do_cast_ballot(find_credential(late), {}, channel=Channel.POSTAL)

    # The count opened the box with the early paper in it, and nothing was sealed after.
    assert boxes(scene) == 0
    assert Voter.objects.get(pk=late_voter.pk).voted == ""
    assert [ballot.channel for ballot in ballots(scene.election)] == [Channel.POSTAL]
    assert PostalBatch.objects.count() == 1


def test_an_import_checked_before_the_count_started_is_refused_under_the_lock(monkeypatch):
    """The count starts while the file is being read: the import's re-check refuses it whole."""
    scene = BallotScene(Phase.COUNT)
    _, early = scene.voter()
    late_voter, late = scene.voter()
    do_import_postal(None, scene.election, postal_file(scene, [(early, national(scene, 1))]))
    read = postal._rows

    def read_while_the_count_starts(upload: Upload) -> Rows:
        # The import has passed its first check; the returning officer starts the count now.
        assert postal.reasons_may_not_import(scene.election) == []
        do_start_count(None, scene.election, run_now=True)
        return read(upload)

    monkeypatch.setattr(postal, "_rows", read_while_the_count_starts)

    with pytest.raises(PostalFileError, match="until the count starts"):
        do_import_postal(None, scene.election, postal_file(scene, [(late, national(scene, 2))]))

    assert boxes(scene) == 0
    assert Voter.objects.get(pk=late_voter.pk).voted == ""
    assert not Credential.objects.filter(voter=late_voter, used=True).exists()
    assert PostalBatch.objects.count() == 1
    assert ballots(scene.election) == [
        OpenedBallot(
            Channel.POSTAL,
            {scene.national.pk: [scene.national_candidates[0].pk], scene.regional.pk: []},
        )
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_racing_the_count_start_waits_for_its_lock_and_is_refused(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises whole transactions instead of locking")
    scene = BallotScene(Phase.COUNT)
    late_voter, late = scene.voter()
    opened, import_checked = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    refused: list[PostalFileError] = []
    open_box = actions.open_ballot_box
    read = postal._rows

    def open_then_wait(election: Election) -> int:
        # The count holds the election's lock, has opened the box and not yet committed.
        stored = open_box(election)
        opened.set()
        import_checked.wait(timeout=30)
        time.sleep(0.5)  # long enough for the import to be waiting on the lock
        return stored

    def read_once_checked(upload: Upload) -> Rows:
        import_checked.set()
        return read(upload)

    monkeypatch.setattr(actions, "open_ballot_box", open_then_wait)
    monkeypatch.setattr(postal, "_rows", read_once_checked)

    def count() -> None:
        try:
            do_start_count(None, scene.election, run_now=True)
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
            opened.set()
        finally:
            connection.close()

    def enter() -> None:
        try:
            opened.wait(timeout=30)
            do_import_postal(None, scene.election, postal_file(scene, [(late, national(scene, 1))]))
        except PostalFileError as error:
            refused.append(error)
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            import_checked.set()
            connection.close()

    threads = [threading.Thread(target=count), threading.Thread(target=enter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert len(refused) == 1
    assert "until the count starts" in str(refused[0])
    # No paper was sealed into a box the count had already opened, where it would never count.
    assert boxes(scene) == 0
    assert Voter.objects.get(pk=late_voter.pk).voted == ""
    assert not PostalBatch.objects.exists()
