"""The ballot in the admin: staff look at the roll and the logs; nobody changes them; no ballots."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import (
    Ballot,
    BallotEmail,
    Credential,
    PostalBatch,
    SealedBallot,
    Tracker,
    Vote,
    Voter,
)
from hustings.ballots.postal import do_import_postal, postal_header
from hustings.members.actions import Upload
from tests.accounts.helpers import staff_client
from tests.factories import BallotScene, member, observer, returning_officer

pytestmark = pytest.mark.django_db

READ_ONLY = (Voter, Credential, PostalBatch, BallotEmail)


def scene_with_records() -> tuple[BallotScene, Voter, str]:
    """A scene with one online voter, one who has not voted, a postal batch and an email log."""
    scene = BallotScene()
    voted, code = scene.voter(membership_number="V000001")
    do_cast_ballot(find_credential(code), {})
    waiting, _ = scene.voter(membership_number="V000002")
    out = io.StringIO()
    csv.writer(out).writerow(postal_header(scene.election))
    out.write("ZZZZ-ZZZZ-ZZZZ-ZZZZ\r\n")
    do_import_postal(None, scene.election, Upload(out.getvalue().encode(), "returns.csv"))
    BallotEmail.objects.create(
        election=scene.election,
        member=waiting.member,
        kind="ballot",
        status="sent",
        at=timezone.now(),
    )
    return scene, voted, code


def test_ballots_votes_trackers_and_sealed_ballots_are_not_in_the_admin():
    for model in (Ballot, Vote, Tracker, SealedBallot):
        assert not admin.site.is_registered(model)
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:ballots_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("persona", [returning_officer, observer])
def test_staff_see_each_ballot_record_list_and_record(persona):
    scene_with_records()
    client = staff_client(persona())
    for model in READ_ONLY:
        name = model._meta.model_name
        listing = client.get(reverse(f"admin:ballots_{name}_changelist"))
        assert listing.status_code == 200, name
        obj = model.objects.first()
        detail = client.get(reverse(f"admin:ballots_{name}_change", args=[obj.pk]))
        assert detail.status_code == 200, name


def test_the_roll_shows_whether_and_how_members_voted_and_finds_a_membership_number():
    scene_with_records()
    client = staff_client(observer())

    response = client.get(reverse("admin:ballots_voter_changelist"), {"q": "V000001"})

    page = response.content.decode()
    assert "V000001" in page
    assert "V000002" not in page
    assert "online" in page


def test_credentials_never_show_the_digest_or_the_tracker_handed_out():
    _, voted, _ = scene_with_records()
    credential = Credential.objects.get(voter=voted)
    assert credential.tracker
    client = staff_client(returning_officer())

    page = client.get(reverse("admin:ballots_credential_change", args=[credential.pk]))
    listing = client.get(reverse("admin:ballots_credential_changelist"))

    for response in (page, listing):
        assert response.status_code == 200
        assert credential.code_digest not in response.content.decode()
        assert credential.tracker not in response.content.decode()


def test_the_postal_batch_shows_its_rejected_rows():
    scene_with_records()
    batch = PostalBatch.objects.get()
    client = staff_client(observer())

    page = client.get(reverse("admin:ballots_postalbatch_change", args=[batch.pk]))

    assert "unknown code: no such code for this election" in page.content.decode()


@pytest.mark.parametrize("persona", [returning_officer, observer])
def test_nobody_may_add_change_or_delete_ballot_records_through_the_admin(persona):
    scene, voted, _ = scene_with_records()
    client = staff_client(persona())
    for model in READ_ONLY:
        name = model._meta.model_name
        obj = model.objects.first()
        assert client.get(reverse(f"admin:ballots_{name}_add")).status_code == 403, name
        delete = reverse(f"admin:ballots_{name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403, name
        change = reverse(f"admin:ballots_{name}_change", args=[obj.pk])
        assert client.post(change, {"voted": ""}).status_code == 403, name
        assert model.objects.filter(pk=obj.pk).exists(), name
    voted.refresh_from_db()
    assert voted.voted == "online"
    # The bulk "delete selected" action is not offered either.
    listing = client.get(reverse("admin:ballots_voter_changelist"))
    assert "delete_selected" not in listing.content.decode()
    assert Voter.objects.filter(election=scene.election).count() == 2


def test_members_cannot_open_the_ballot_admin():
    scene_with_records()
    client = Client()
    client.force_login(member())

    response = client.get(reverse("admin:ballots_voter_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
