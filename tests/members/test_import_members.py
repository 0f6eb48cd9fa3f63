"""Importing the membership register: good, bad and mixed files, --strict, and re-imports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.members.actions import Upload, do_import_members
from hustings.members.importing import ImportFileError, parse_date
from hustings.members.models import Gender, Member
from tests.factories import make_region, make_unit

pytestmark = pytest.mark.django_db

HEADER = (
    "membership_number,name,email,address_line_1,town,postcode,unit_code,joined_on,"
    "paid_until,gender,gender_self_description\n"
)


def upload(*rows: str, header: str = HEADER) -> Upload:
    return Upload((header + "".join(row + "\n" for row in rows)).encode("utf-8"), "register.csv")


@pytest.fixture
def units() -> None:
    region = make_region(name="North West", code="north-west")
    make_unit(region, code="NW01", name="Bolton West")
    make_unit(region, code="NW02", name="Wigan")


GOOD = [
    "A0001,Ada Lovelace,ada@Example.ORG,1 Mill Lane,Bolton,bl1 1aa,NW01,2015-03-01,2030-01-01,woman,",
    "A0002,Robert Owen,,2 Canal St,Wigan,WN1 1AA,NW02,01/06/2019,,man,",
    'A0003,"Sam Smith",sam@example.org,,,,NW01,2020-01-01,2030-01-01,self-described,genderfluid',
]


@pytest.mark.usefixtures("units")
def test_a_good_file_creates_every_member_with_its_fields():
    report = do_import_members(None, upload(*GOOD))

    assert (report.rows, report.created, report.updated, report.rejected) == (3, 3, 0, 0)
    ada = Member.objects.get(membership_number="A0001")
    assert ada.name == "Ada Lovelace"
    assert ada.email == "ada@example.org"  # the domain is case-insensitive; the local part is not
    assert ada.address == "1 Mill Lane\nBolton"
    assert ada.postcode == "BL1 1AA"
    assert ada.unit.code == "NW01"
    assert ada.joined_on == date(2015, 3, 1)
    assert ada.paid_until == date(2030, 1, 1)
    assert ada.gender == Gender.WOMAN
    robert = Member.objects.get(membership_number="A0002")
    assert robert.email == ""
    assert robert.joined_on == date(2019, 6, 1)  # DD/MM/YYYY, the UK order
    assert robert.paid_until is None
    sam = Member.objects.get(membership_number="A0003")
    assert (sam.gender, sam.gender_self_description) == (Gender.SELF_DESCRIBED, "genderfluid")


@pytest.mark.usefixtures("units")
def test_each_bad_row_is_reported_by_line_and_reason():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    report = do_import_members(
        None,
        upload(
            ",No Number,,,,,NW01,2015-01-01,,,",  # line 2
            "B0002,Bad Email,not-an-email,,,,NW01,2015-01-01,,,",  # line 3
            "B0003,Unknown Unit,,,,,ZZ99,2015-01-01,,,",  # line 4
            "B0004,Bad Date,,,,,NW01,31/02/2015,,,",  # line 5
            "B0005,Future,,,,,NW01," + tomorrow + ",,,",  # line 6
            "B0006,Odd Gender,,,,,NW01,2015-01-01,,martian,",  # line 7
            "B0007,Short row",  # line 8
        ),
    )

    found = {(error.line, error.reason.split(" ")[0]) for error in report.errors}
    assert report.created == 0
    assert report.rejected == 7
    reasons = {error.line: error.reason for error in report.errors}
    assert reasons[2] == "missing membership number"
    assert "not a valid address" in reasons[3]
    assert "unknown unit code 'ZZ99'" in reasons[4]
    assert "'31/02/2015' is not a real date" in reasons[5]
    assert "in the future" in reasons[6]
    assert "'martian' is not one of" in reasons[7]
    assert "has 2 field(s) where the header has 11" in reasons[8]
    assert {line for line, _ in found} == {2, 3, 4, 5, 6, 7, 8}


@pytest.mark.usefixtures("units")
def test_a_mixed_file_loads_the_good_rows_and_reports_the_bad():
    report = do_import_members(None, upload(GOOD[0], "C0002,No Unit,,,,,,2015-01-01,,,", GOOD[1]))

    assert (report.created, report.rejected) == (2, 1)
    assert [str(error) for error in report.errors] == ["line 3: missing unit code"]
    assert set(Member.objects.values_list("membership_number", flat=True)) == {"A0001", "A0002"}


@pytest.mark.usefixtures("units")
def test_strict_loads_nothing_when_any_row_is_bad():
    report = do_import_members(
        None, upload(GOOD[0], "C0002,No Unit,,,,,,2015-01-01,,,"), strict=True
    )

    assert report.strict_refused
    assert report.created == 0
    assert not Member.objects.exists()
    assert "Nothing imported" in report.summary()
    assert not AuditEvent.objects.filter(tag=tags.MEMBERS_IMPORTED).exists()


@pytest.mark.usefixtures("units")
def test_strict_loads_a_wholly_good_file():
    report = do_import_members(None, upload(*GOOD), strict=True)

    assert report.created == 3
    assert Member.objects.count() == 3


@pytest.mark.usefixtures("units")
def test_a_number_on_two_rows_rejects_both():
    report = do_import_members(
        None,
        upload(GOOD[0], "A0001,Ada Again,,,,,NW02,2016-01-01,,,", GOOD[1]),
    )

    assert report.created == 1
    assert [str(e) for e in report.errors] == [
        "line 2: membership number A0001 is also on line(s) 3",
        "line 3: membership number A0001 is also on line(s) 2",
    ]
    assert not Member.objects.filter(membership_number="A0001").exists()


@pytest.mark.usefixtures("units")
def test_reimporting_the_same_file_changes_nothing():
    do_import_members(None, upload(*GOOD))
    before = list(Member.objects.order_by("pk").values())

    report = do_import_members(None, upload(*GOOD))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(Member.objects.order_by("pk").values()) == before


@pytest.mark.usefixtures("units")
def test_reimporting_updates_changed_members_in_place():
    do_import_members(None, upload(*GOOD))
    ada_pk = Member.objects.get(membership_number="A0001").pk
    changed = GOOD[0].replace("NW01,2015-03-01,2030-01-01", "NW02,2015-03-01,2031-01-01")

    report = do_import_members(None, upload(changed, GOOD[1]))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.not_in_file == 1
    ada = Member.objects.get(membership_number="A0001")
    assert ada.pk == ada_pk
    assert (ada.unit.code, ada.paid_until) == ("NW02", date(2031, 1, 1))
    # A member missing from the file is left as they were, not deleted.
    assert Member.objects.filter(membership_number="A0003").exists()


@pytest.mark.usefixtures("units")
def test_an_import_is_audited_with_its_counts_and_file_digest():
    data = upload(*GOOD)

    do_import_members(None, data, actor_label="command line")

    event = AuditEvent.objects.get(tag=tags.MEMBERS_IMPORTED)
    assert event.actor_label == "command line"
    assert event.data["created"] == 3
    assert event.data["sha256"] == data.digest()
    assert event.data["file"] == "register.csv"


def test_an_unknown_column_refuses_the_whole_file():
    with pytest.raises(ImportFileError, match=r"unknown column.*'shoe_size'"):
        do_import_members(None, upload("1,x", header="membership_number,shoe_size\n"))


def test_a_missing_required_column_refuses_the_whole_file():
    with pytest.raises(ImportFileError, match=r"missing column.*joined_on"):
        do_import_members(None, upload("", header="membership_number,name,unit_code\n"))


def test_a_file_that_is_not_utf8_is_refused():
    data = Upload((HEADER + "A1,Zo\xeb,,,,,NW01,2015-01-01,,,\n").encode("latin-1"), "x.csv")
    with pytest.raises(ImportFileError, match="not UTF-8"):
        do_import_members(None, data)


@pytest.mark.usefixtures("units")
def test_a_byte_order_mark_and_windows_line_endings_are_accepted():
    text = (HEADER + GOOD[0] + "\n").replace("\n", "\r\n")
    report = do_import_members(None, Upload(b"\xef\xbb\xbf" + text.encode(), "excel.csv"))

    assert (report.created, report.rejected) == (1, 0)


@pytest.mark.usefixtures("units")
def test_a_quoted_address_over_two_lines_reports_later_rows_by_their_own_line():
    report = do_import_members(
        None,
        upload(
            'A0009,Multi Line,,"Flat 1\nThe Mill",Bolton,,NW01,2015-01-01,,,',  # lines 2-3
            "A0010,,,,,,NW01,2015-01-01,,,",  # line 4
        ),
    )

    assert [str(e) for e in report.errors] == ["line 4: missing name"]
    assert Member.objects.get(membership_number="A0009").address == "Flat 1\nThe Mill\nBolton"


def test_parse_date_accepts_iso_and_uk_order_only():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("05/04/2024") == date(2024, 4, 5)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("April 5th")
    with pytest.raises(ValueError, match="not a date"):
        parse_date("5/4/24")
