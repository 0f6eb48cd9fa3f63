"""`hustings import-nominations` and `hustings close-nominations`, run as commands."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.elections.models import Phase
from hustings.nominations.actions import do_record_unit_nominations
from hustings.nominations.models import BallotConfirmation, Nomination, NominationsClosure
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db

HEADER = "unit_code,contest,membership_number,meeting_date,meeting_kind,attendance,votes\n"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "nominations.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_import_records_each_units_rows_as_one_return(tmp_path):
    s = scenario()
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    a, b = (c.member.membership_number for c in s.candidates[:2])
    unit = s.units[1][0]
    path = write(
        tmp_path,
        [
            f"{unit.code},{s.contest.slug},{a},{day},all-member,55,30",
            f"{unit.code},{s.contest.slug},{b},{day},all-member,55,",
        ],
    )

    out, err = run("import_nominations", s.election.slug, str(path))

    assert err == ""
    assert "2 row(s) read: 1 unit return(s) recorded from 2 row(s); 0 row(s) rejected." in out
    nominations = Nomination.objects.current().filter(unit=unit)
    assert sorted(nominations.values_list("candidacy_id", "votes")) == sorted(
        [(s.candidates[0].pk, 30), (s.candidates[1].pk, None)]
    )
    assert nominations.first().unit_return.recorded_via == "command line (nominations.csv)"
    assert AuditEvent.objects.get(tag=tags.NOMINATIONS_IMPORTED).data["returns"] == 1


def test_import_reports_each_bad_row_by_line_and_records_none_of_that_units_rows(tmp_path):
    s = scenario()
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    good_unit, bad_unit = s.units[1][0], s.units[2][0]
    numbers = [c.member.membership_number for c in s.candidates]
    rows = [f"{good_unit.code},{s.contest.slug},{numbers[0]},{day},general-committee,20,"]
    rows += [
        f"{bad_unit.code},{s.contest.slug},{n},{day},general-committee,20," for n in numbers[:7]
    ]
    rows += [f"NOPE,{s.contest.slug},{numbers[0]},{day},general-committee,20,"]
    rows += [f"{s.units[2][1].code},{s.contest.slug},M-UNKNOWN,{day},general-committee,20,"]
    path = write(tmp_path, rows)

    with pytest.raises(CommandError, match="9 row\\(s\\) rejected"):
        run("import_nominations", s.election.slug, str(path))

    assert Nomination.objects.current().filter(unit=good_unit).count() == 1
    assert not Nomination.objects.filter(unit=bad_unit).exists()


def test_import_prints_the_reason_for_every_rejected_row(tmp_path, capsys):
    s = scenario()
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    numbers = [c.member.membership_number for c in s.candidates]
    unit = s.units[2][0]
    rows = [f"{unit.code},{s.contest.slug},{n},{day},general-committee,20," for n in numbers[:7]]
    rows += [f"NOPE,{s.contest.slug},{numbers[0]},{day},general-committee,20,"]
    path = write(tmp_path, rows)
    err = StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_nominations", s.election.slug, str(path), stdout=StringIO(), stderr=err
        )

    lines = err.getvalue().splitlines()
    assert lines[0] == (
        f"{path}:line 2: {unit.name}: A unit may nominate at most 6 candidates in this contest; "
        "7 were given."
    )
    assert len(lines) == 8
    assert lines[-1] == f"{path}:line 9: no unit with code 'NOPE'"


def test_import_refuses_a_file_with_missing_columns(tmp_path):
    s = scenario()
    path = tmp_path / "bad.csv"
    path.write_text("unit_code,contest\nX,Y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column\\(s\\): membership_number"):
        run("import_nominations", s.election.slug, str(path))


def test_close_without_yes_shows_the_statuses_and_changes_nothing():
    s = scenario(phase=Phase.BALLOT_PENDING)

    out, _ = run("close_nominations", s.election.slug)

    assert "only 0 of 3 units" in out
    assert "Nothing changed" in out
    assert not NominationsClosure.objects.exists()


def test_close_with_yes_and_confirm_closes_and_prints_the_ballot():
    s = scenario(threshold_units=1)
    close = s.election.nominations_close_at
    do_record_unit_nominations(
        None,
        s.units[1][0],
        s.contest,
        s.candidates[:2],
        meeting=meeting(),
        now=close - timedelta(hours=1),
    )
    s.election.nominations_close_at = timezone.now() - timedelta(minutes=1)
    s.election.nominations_open_at = s.election.nominations_close_at - timedelta(days=5)
    s.election.save()

    out, _ = run("close_nominations", s.election.slug, "--yes", "--confirm")

    assert f"Nominations for {s.election.name} closed." in out
    assert "1 of 1 units" in out
    names = sorted((c.member.name for c in s.candidates[:2]), key=lambda n: n.split()[-1])
    assert f"1. {names[0]}" in out
    assert f"2. {names[1]}" in out
    assert BallotConfirmation.objects.get(contest=s.contest).entries.count() == 2


def test_close_before_the_deadline_is_refused():
    s = scenario()
    with pytest.raises(CommandError, match="cannot be closed early"):
        run("close_nominations", s.election.slug, "--yes")


def test_an_unknown_election_is_named():
    with pytest.raises(CommandError, match="no election with the slug 'nope'"):
        run("close_nominations", "nope")
