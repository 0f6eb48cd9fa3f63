"""The import screens and member pages of the admin, over HTTP, for each kind of person."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.members.models import Member, Unit
from tests.accounts.helpers import staff_client
from tests.factories import make_member, make_region, make_unit, member, observer, returning_officer

pytestmark = pytest.mark.django_db

MEMBERS_CSV = (
    b"membership_number,name,unit_code,joined_on\n"
    b"N1,Nye Bevan,T01,1930-01-01\n"
    b"N2,,T01,1931-01-01\n"
    b"N3,Jennie Lee,NOPE,1932-01-01\n"
)


def csv_file(data: bytes, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def unit() -> Unit:
    return make_unit(make_region(name="Wales"), code="T01", name="Ebbw Vale")


def test_the_returning_officer_imports_members_and_sees_each_rejected_row(unit):
    client = staff_client(returning_officer())

    response = client.post(reverse("admin:members_member_import"), {"file": csv_file(MEMBERS_CSV)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "3 row(s) read: 1 created, 0 updated, 0 unchanged, 2 rejected." in page
    assert "<td>3</td><td>missing name</td>" in page
    assert "unknown unit code &#x27;NOPE&#x27;" in page
    assert list(Member.objects.values_list("name", flat=True)) == ["Nye Bevan"]
    event = AuditEvent.objects.get(tag=tags.MEMBERS_IMPORTED)
    assert event.actor is not None
    assert event.actor.staff_role == "returning_officer"


def test_a_strict_import_through_the_admin_loads_nothing(unit):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:members_member_import"), {"file": csv_file(MEMBERS_CSV), "strict": "on"}
    )

    assert "Nothing imported" in response.content.decode()
    assert not Member.objects.exists()


def test_a_file_with_unknown_columns_is_refused_on_the_form(unit):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:members_member_import"), {"file": csv_file(b"number,nom\n1,x\n")}
    )

    assert response.status_code == 200
    assert "unknown column(s)" in response.content.decode()


def test_the_returning_officer_imports_units_creating_regions():
    client = staff_client(returning_officer())
    data = b"unit_code,unit_name,region_name\nS01,Glasgow Central,Scotland\nS02,Leith,Scotland\n"

    response = client.post(reverse("admin:members_unit_import"), {"file": csv_file(data)})

    assert "2 created" in response.content.decode()
    assert sorted(Unit.objects.values_list("region__name", "name")) == [
        ("Scotland", "Glasgow Central"),
        ("Scotland", "Leith"),
    ]


def test_an_observer_sees_the_register_but_cannot_import_or_change(unit):
    someone = make_member(unit, name="Barbara Castle")
    client = staff_client(observer())

    assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    assert client.get(reverse("admin:members_member_import")).status_code == 403
    response = client.post(
        reverse("admin:members_member_change", args=[someone.pk]), {"name": "Changed"}
    )
    assert response.status_code == 403
    someone.refresh_from_db()
    assert someone.name == "Barbara Castle"


def test_members_and_visitors_are_kept_out_of_the_admin():
    signed_in = Client()
    signed_in.force_login(member())

    for client in (Client(), signed_in):
        response = client.get(reverse("admin:members_member_import"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_an_admin_edit_to_a_member_is_audited_without_their_personal_data(unit):
    someone = make_member(unit, name="Ellen Wilkinson", postcode="M1 1AA")
    old_paid = someone.paid_until.isoformat()
    new_paid = "2031-12-31"
    client = staff_client(returning_officer())
    form = {
        "membership_number": someone.membership_number,
        "name": "Ellen Wilkinson",
        "unit": unit.pk,
        "joined_on": someone.joined_on.isoformat(),
        "paid_until": new_paid,
        "email": someone.email,
        "address": someone.address,
        "postcode": "M2 2BB",
        "gender": "woman",
        "gender_self_description": "",
        "user": "",
    }

    response = client.post(reverse("admin:members_member_change", args=[someone.pk]), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(tag=tags.OBJECT_CHANGED)
    # The log can never be erased, so it records that personal fields changed, not their values.
    hidden = ["(personal data, not logged)"] * 2
    assert event.data == {
        "model": "members.member",
        "changed": {"postcode": hidden, "gender": hidden, "paid_until": [old_paid, new_paid]},
    }
    assert "M2 2BB" not in str(event.data)
