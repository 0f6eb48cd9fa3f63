"""Candidacies in the admin: staff corrections need a reason and are audited; no deletions."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.candidates.models import Candidacy, Slate
from hustings.elections.models import Phase
from tests.accounts.helpers import staff_client
from tests.factories import make_candidacy, make_contest, make_election, observer, returning_officer

pytestmark = pytest.mark.django_db


def candidacy_form(candidacy: Candidacy, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "statement": candidacy.statement,
        "why_standing": candidacy.why_standing,
        "experience": json.dumps(candidacy.experience),
        "priorities": json.dumps(candidacy.priorities),
        "links": json.dumps(candidacy.links),
        "reason": "",
        "slate_memberships-TOTAL_FORMS": "0",
        "slate_memberships-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


@pytest.fixture
def candidacy() -> Candidacy:
    return make_candidacy(make_contest(make_election(Phase.BALLOT)))


def test_a_staff_correction_without_a_reason_is_refused(candidacy):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:candidates_candidacy_change", args=[candidacy.pk]),
        candidacy_form(candidacy, statement="Corrected statement."),
    )

    assert response.status_code == 200
    assert "Say why you are changing this candidacy." in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.statement != "Corrected statement."


def test_a_staff_correction_after_the_deadline_is_saved_and_audited_with_its_reason(candidacy):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:candidates_candidacy_change", args=[candidacy.pk]),
        candidacy_form(candidacy, statement="Corrected statement.", reason="Candidate's typo"),
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    candidacy.refresh_from_db()
    assert candidacy.statement == "Corrected statement."
    event = AuditEvent.objects.get(tag=tags.CANDIDACY_STAFF_EDITED)
    assert event.data["reason"] == "Candidate's typo"
    assert event.data["changed"]["statement"][1] == "Corrected statement."


def test_removing_a_candidacy_in_the_admin_records_the_reason(candidacy):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:candidates_candidacy_change", args=[candidacy.pk]),
        candidacy_form(candidacy, remove="on", reason="Not eligible: membership lapsed"),
    )

    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.removed_at is not None
    assert candidacy.removal_reason == "Not eligible: membership lapsed"


def test_candidacies_cannot_be_deleted_even_by_the_returning_officer(candidacy):
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:candidates_candidacy_delete", args=[candidacy.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Candidacy.objects.filter(pk=candidacy.pk).exists()


def test_an_observer_cannot_edit_a_candidacy(candidacy):
    client = staff_client(observer())

    response = client.post(
        reverse("admin:candidates_candidacy_change", args=[candidacy.pk]),
        candidacy_form(candidacy, statement="Observer was here.", reason="because"),
    )

    assert response.status_code == 403
    candidacy.refresh_from_db()
    assert candidacy.statement != "Observer was here."


def test_a_slate_created_in_the_admin_proposes_places_through_the_slate_actions():
    election = make_election(Phase.NOMINATIONS)
    candidacy = make_candidacy(make_contest(election))
    client = staff_client(returning_officer())

    response = client.post(
        reverse("admin:candidates_slate_add"),
        {
            "election": election.pk,
            "name": "Common Ground",
            "slug": "common-ground",
            "description": "Together.",
            "website": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-candidacy": candidacy.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    slate = Slate.objects.get()
    (membership,) = slate.memberships.all()
    assert (membership.candidacy, membership.confirmed_at) == (candidacy, None)
    assert AuditEvent.objects.filter(tag=tags.SLATE_CREATED).count() == 1
    assert AuditEvent.objects.filter(tag=tags.SLATE_CANDIDATE_INVITED).count() == 1
