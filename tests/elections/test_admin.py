"""Elections and contests in the admin: changes go through the actions and are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.elections.models import Contest, Election, Phase
from tests.accounts.helpers import staff_client
from tests.factories import make_election, make_region, observer, returning_officer

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def election_form(election: Election, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": election.name,
        "slug": election.slug,
        "description": election.description,
        "voters_joined_by": election.voters_joined_by.isoformat(),
        "voters_paid_up_on": "",
        "candidate_min_membership_days": election.candidate_min_membership_days,
        "contests-TOTAL_FORMS": "0",
        "contests-INITIAL_FORMS": "0",
    }
    for name in (
        "declarations_open_at",
        "nominations_open_at",
        "nominations_close_at",
        "ballot_open_at",
        "ballot_close_at",
    ):
        moment = getattr(election, name).replace(microsecond=0)
        form[f"{name}_0"], form[f"{name}_1"] = local(moment).split(" ")
    form["results_published_at_0"] = form["results_published_at_1"] = ""
    form.update(changes)
    return form


def test_a_timetable_change_in_the_admin_is_audited_as_a_timetable_change():
    election = make_election(Phase.NOMINATIONS)
    later = (election.nominations_close_at + timedelta(days=1)).replace(microsecond=0)
    date_part, time_part = local(later).split(" ")
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:elections_election_change", args=[election.pk]),
        election_form(election, nominations_close_at_0=date_part, nominations_close_at_1=time_part),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    election.refresh_from_db()
    assert election.nominations_close_at == later
    event = AuditEvent.objects.get(tag=tags.ELECTION_TIMETABLE_CHANGED)
    assert list(event.data["changed"]) == ["nominations_close_at"]


def test_a_timetable_out_of_order_is_refused_by_the_admin_form():
    election = make_election(Phase.NOMINATIONS)
    too_early = election.nominations_open_at - timedelta(hours=1)
    date_part, time_part = local(too_early).split(" ")
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:elections_election_change", args=[election.pk]),
        election_form(election, nominations_close_at_0=date_part, nominations_close_at_1=time_part),
    )

    assert response.status_code == 200
    assert "Must be later than “Nominations open”." in response.content.decode()
    assert not AuditEvent.objects.filter(tag=tags.ELECTION_TIMETABLE_CHANGED).exists()


def test_a_contest_created_in_the_admin_is_audited_with_its_rules():
    election = make_election(Phase.DECLARATIONS)
    region = make_region(name="Wales")
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:elections_contest_add"),
        {
            "election": election.pk,
            "name": "NPF — Wales",
            "slug": "npf-wales",
            "position": 2,
            "seats": 5,
            "region": region.pk,
            "method": "scottish-stv",
            "statement_word_limit": 250,
            "threshold_kind": "units",
            "threshold_units": 3,
            "threshold_other_units": 0,
            "threshold_other_regions": 0,
            "affiliate_nominations_needed": 0,
            "ballot_order": "surname",
            "representation_rules-TOTAL_FORMS": "1",
            "representation_rules-INITIAL_FORMS": "0",
            "representation_rules-0-attribute": "gender",
            "representation_rules-0-value": "woman",
            "representation_rules-0-minimum": "2",
            "representation_rules-0-maximum": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    contest = Contest.objects.get()
    assert [c.label() for c in contest.constraints()] == ["at least 2 with gender=woman"]
    assert AuditEvent.objects.filter(tag=tags.CONTEST_CREATED, object_id=str(contest.pk)).exists()
    assert AuditEvent.objects.filter(
        tag=tags.OBJECT_CREATED, data__model="elections.representationrule"
    ).exists()


def test_representation_minima_over_the_seats_are_refused_in_the_admin():
    election = make_election(Phase.DECLARATIONS)
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:elections_contest_add"),
        {
            "election": election.pk,
            "name": "Tiny",
            "slug": "tiny",
            "position": 1,
            "seats": 1,
            "method": "block",
            "statement_word_limit": 100,
            "threshold_kind": "none",
            "threshold_units": 0,
            "threshold_other_units": 0,
            "threshold_other_regions": 0,
            "affiliate_nominations_needed": 0,
            "representation_rules-TOTAL_FORMS": "1",
            "representation_rules-INITIAL_FORMS": "0",
            "representation_rules-0-attribute": "gender",
            "representation_rules-0-value": "woman",
            "representation_rules-0-minimum": "2",
            "representation_rules-0-maximum": "",
        },
    )

    assert response.status_code == 200
    assert "the contest has 1 seat(s)" in response.content.decode()
    assert not Contest.objects.exists()


def test_an_observer_sees_an_election_but_may_not_change_it():
    election = make_election(Phase.NOMINATIONS)
    client = staff_client(observer())

    assert (
        client.get(reverse("admin:elections_election_change", args=[election.pk])).status_code
        == 200
    )
    response = client.post(
        reverse("admin:elections_election_change", args=[election.pk]),
        election_form(election, name="Renamed"),
    )
    assert response.status_code == 403
    election.refresh_from_db()
    assert election.name != "Renamed"
