"""Candidates declare, edit, add a photo, withdraw and confirm slates, each only where allowed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hustings.audit.models import AuditEvent
from hustings.candidates.models import Candidacy
from hustings.elections.models import Phase
from tests import factories
from tests.accounts.helpers import staff_client

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    """Return a client signed in as a member (members need no second factor)."""
    client = Client()
    client.force_login(user)
    return client


def declare_url(contest) -> str:
    return reverse("candidates:declare", args=[contest.pk])


def edit_url(candidacy) -> str:
    return reverse("candidates:edit", args=[candidacy.pk])


def details(statement: str = "I will listen to members.", **extra: str) -> dict[str, str]:
    return {
        "statement": statement,
        "why_standing": "Because it matters.",
        "experience": "Branch chair\nCouncillor",
        "priorities": "Housing",
        "link_1_label": "Website",
        "link_1_url": "https://example.org/",
        **extra,
    }


def png(size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


# -- Declaring ---------------------------------------------------------------------------------


def test_eligible_member_declares_while_declarations_are_open() -> None:
    contest = factories.make_contest(factories.make_election(Phase.DECLARATIONS))
    user = factories.member()
    client = signed_in(user)
    assert client.get(declare_url(contest)).status_code == 200
    response = client.post(declare_url(contest), details())
    candidacy = Candidacy.objects.get(contest=contest, member__user=user)
    assert response["Location"] == reverse("candidates:candidate", args=[candidacy.pk])
    assert candidacy.experience == ["Branch chair", "Councillor"]
    assert candidacy.links == [{"label": "Website", "url": "https://example.org/"}]
    assert AuditEvent.objects.filter(tag="candidacy:declared", actor=user).exists()


def test_contest_page_invites_an_eligible_member_to_stand() -> None:
    contest = factories.make_contest()
    html = signed_in(factories.member()).get(
        reverse("elections:contest", args=[contest.election.slug, contest.slug])
    )
    assert declare_url(contest) in html.content.decode()


def test_member_of_one_region_cannot_declare_for_another_regions_contest() -> None:
    north, south = factories.make_region(), factories.make_region(name="South")
    contest = factories.make_contest(region=south, name="NPF South")
    client = signed_in(factories.member(factories.make_unit(north)))
    response = client.get(declare_url(contest))
    assert response.status_code == 403
    assert "only for members in South" in response.content.decode()
    assert client.post(declare_url(contest), details()).status_code == 403
    assert not Candidacy.objects.exists()
    page = client.get(reverse("elections:contest", args=[contest.election.slug, contest.slug]))
    assert declare_url(contest) not in page.content.decode()


def test_member_of_the_region_may_declare_for_its_contest() -> None:
    region = factories.make_region()
    contest = factories.make_contest(region=region)
    client = signed_in(factories.member(factories.make_unit(region)))
    assert client.post(declare_url(contest), details()).status_code == 302


def test_recent_joiner_cannot_declare() -> None:
    contest = factories.make_contest(factories.make_election(candidate_min_membership_days=365))
    user = factories.member(joined_on=factories.days_ago(30))
    response = signed_in(user).post(declare_url(contest), details())
    assert response.status_code == 403
    assert "at least 365 days" in response.content.decode()


def test_lapsed_member_cannot_declare() -> None:
    contest = factories.make_contest()
    user = factories.member(paid_until=factories.days_ago(1))
    assert signed_in(user).post(declare_url(contest), details()).status_code == 403


@pytest.mark.parametrize("phase", [Phase.SCHEDULED, Phase.BALLOT_PENDING, Phase.BALLOT])
def test_nobody_declares_outside_the_declaration_period(phase: Phase) -> None:
    contest = factories.make_contest(factories.make_election(phase))
    client = signed_in(factories.member())
    assert client.get(declare_url(contest)).status_code == 403
    assert client.post(declare_url(contest), details()).status_code == 403
    assert not Candidacy.objects.exists()


def test_a_member_cannot_declare_twice_for_one_contest() -> None:
    contest = factories.make_contest()
    user = factories.candidate(contest)
    response = signed_in(user).post(declare_url(contest), details())
    assert response.status_code == 403
    assert "already standing" in response.content.decode()
    assert Candidacy.objects.count() == 1


def test_visitors_are_sent_to_sign_in_before_declaring(client: Client) -> None:
    contest = factories.make_contest()
    response = client.get(declare_url(contest))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_staff_who_are_not_members_cannot_declare() -> None:
    contest = factories.make_contest()
    client = staff_client(factories.returning_officer())
    assert client.get(declare_url(contest)).status_code == 403


def test_declaring_for_a_missing_contest_is_not_found() -> None:
    assert (
        signed_in(factories.member()).get(declare_url(type("C", (), {"pk": 999999}))).status_code
        == 404
    )


def test_a_statement_over_the_word_limit_is_refused_with_the_count() -> None:
    contest = factories.make_contest(statement_word_limit=5)
    response = signed_in(factories.member()).post(
        declare_url(contest), details("one two three four five six")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "6 of 5 words" in page
    assert "Please remove 1" in page
    assert not Candidacy.objects.exists()


def test_a_statement_at_the_word_limit_is_accepted() -> None:
    contest = factories.make_contest(statement_word_limit=5)
    response = signed_in(factories.member()).post(
        declare_url(contest), details("one two three four five")
    )
    assert response.status_code == 302


def test_links_must_be_web_addresses() -> None:
    contest = factories.make_contest()
    response = signed_in(factories.member()).post(
        declare_url(contest), details(link_1_url="javascript:alert(1)")
    )
    assert response.status_code == 400
    assert "not a web address" in response.content.decode()
    assert not Candidacy.objects.exists()


# -- Editing -----------------------------------------------------------------------------------


def test_candidate_edits_their_statement_and_sees_it_published() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(candidacy.member.user)
    page = client.get(edit_url(candidacy))
    assert page.status_code == 200
    assert f"{candidacy.statement_words()} of 50 words" in page.content.decode()
    response = client.post(edit_url(candidacy), details("A brand new statement."))
    assert response["Location"] == reverse("candidates:candidate", args=[candidacy.pk])
    public = Client().get(response["Location"]).content.decode()
    assert "A brand new statement." in public
    assert AuditEvent.objects.filter(tag="candidacy:updated").exists()


def test_edit_page_counts_words_live_with_htmx_and_the_server_counts_alike() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(candidacy.member.user)
    html = client.get(edit_url(candidacy)).content.decode()
    count_url = reverse("candidates:word-count", args=[candidacy.contest.pk])
    assert f'hx-post="{count_url}"' in html
    assert 'hx-target="#statement-word-count"' in html
    assert "htmx.min.js" in html
    response = client.post(
        count_url, {"statement": "  one two\nthree\tfour  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "4 of 50 words" in response.content.decode()
    over = client.post(count_url, {"statement": "word " * 51})
    assert "51 of 50 words" in over.content.decode()
    assert "over" in over.content.decode()


def test_candidate_cannot_edit_another_candidates_statement() -> None:
    contest = factories.make_contest()
    mine = factories.make_candidacy(contest)
    theirs = factories.make_candidacy(contest, statement="Their own words.")
    client = signed_in(mine.member.user)
    assert client.get(edit_url(theirs)).status_code == 403
    assert client.post(edit_url(theirs), details("Hijacked.")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.statement == "Their own words."


def test_outsider_cannot_edit_a_candidacy() -> None:
    candidacy = factories.make_candidacy(statement="Original.")
    client = signed_in(factories.outsider())
    assert client.post(edit_url(candidacy), details("Defaced.")).status_code == 403
    candidacy.refresh_from_db()
    assert candidacy.statement == "Original."


def test_visitor_is_sent_to_sign_in_and_cannot_edit(client: Client) -> None:
    candidacy = factories.make_candidacy(statement="Original.")
    response = client.post(edit_url(candidacy), details("Defaced."))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    candidacy.refresh_from_db()
    assert candidacy.statement == "Original."


def test_observer_cannot_edit_a_candidacy() -> None:
    candidacy = factories.make_candidacy(statement="Original.")
    client = staff_client(factories.observer())
    assert client.post(edit_url(candidacy), details("Changed.")).status_code == 403
    candidacy.refresh_from_db()
    assert candidacy.statement == "Original."


@pytest.mark.parametrize("phase", [Phase.BALLOT_PENDING, Phase.BALLOT, Phase.RESULTS])
def test_nobody_edits_after_nominations_close(phase: Phase) -> None:
    contest = factories.make_contest(factories.make_election(phase))
    candidacy = factories.make_candidacy(contest, statement="Final words.")
    client = signed_in(candidacy.member.user)
    response = client.get(edit_url(candidacy))
    assert response.status_code == 403
    assert "until nominations closed" in response.content.decode()
    assert client.post(edit_url(candidacy), details("Too late.")).status_code == 403
    assert (
        client.post(reverse("candidates:photo", args=[candidacy.pk]), {"photo": png()}).status_code
        == 403
    )
    candidacy.refresh_from_db()
    assert candidacy.statement == "Final words."
    assert not candidacy.photo


def test_editing_stops_at_the_instant_nominations_close() -> None:
    election = factories.make_election()
    candidacy = factories.make_candidacy(factories.make_contest(election), statement="Before.")
    election.nominations_close_at = timezone.now() - timedelta(microseconds=1)
    election.save()
    client = signed_in(candidacy.member.user)
    assert client.post(edit_url(candidacy), details("After.")).status_code == 403
    candidacy.refresh_from_db()
    assert candidacy.statement == "Before."


def test_edit_over_the_word_limit_changes_nothing() -> None:
    candidacy = factories.make_candidacy(statement="Short.")
    response = signed_in(candidacy.member.user).post(edit_url(candidacy), details("word " * 51))
    assert response.status_code == 400
    candidacy.refresh_from_db()
    assert candidacy.statement == "Short."


def test_withdrawn_candidacy_cannot_be_edited() -> None:
    candidacy = factories.make_candidacy(withdrawn_at=timezone.now())
    assert signed_in(candidacy.member.user).get(edit_url(candidacy)).status_code == 403


def test_editing_a_missing_candidacy_is_not_found() -> None:
    client = signed_in(factories.member())
    assert client.get(reverse("candidates:edit", args=[999999])).status_code == 404


# -- Photos ------------------------------------------------------------------------------------


def test_candidate_uploads_a_photo_that_is_resized_and_re_encoded() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(candidacy.member.user)
    url = reverse("candidates:photo", args=[candidacy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"photo": png()})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.photo.name.endswith(".jpg")
    with Image.open(candidacy.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) <= 800
    page = Client().get(reverse("candidates:candidate", args=[candidacy.pk])).content.decode()
    assert candidacy.photo.url in page
    assert f'alt="Photo of {candidacy.member.name}"' in page


def test_svg_and_other_non_images_are_refused() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(candidacy.member.user)
    url = reverse("candidates:photo", args=[candidacy.pk])
    svg = SimpleUploadedFile(
        "me.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    response = client.post(url, {"photo": svg})
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()
    script = SimpleUploadedFile("me.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
    assert client.post(url, {"photo": script}).status_code == 400
    candidacy.refresh_from_db()
    assert not candidacy.photo


def test_candidate_cannot_change_another_candidates_photo() -> None:
    contest = factories.make_contest()
    mine, theirs = factories.make_candidacy(contest), factories.make_candidacy(contest)
    client = signed_in(mine.member.user)
    response = client.post(reverse("candidates:photo", args=[theirs.pk]), {"photo": png()})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert not theirs.photo


# -- Withdrawing -------------------------------------------------------------------------------


def test_candidate_withdraws_after_confirming() -> None:
    candidacy = factories.make_candidacy()
    client = signed_in(candidacy.member.user)
    url = reverse("candidates:withdraw", args=[candidacy.pk])
    assert client.post(url, {}).status_code == 400
    candidacy.refresh_from_db()
    assert candidacy.is_standing()
    assert client.post(url, {"confirm": "on"})["Location"] == reverse("accounts:my-account")
    candidacy.refresh_from_db()
    assert not candidacy.is_standing()
    contest_page = Client().get(
        reverse("elections:contest", args=[candidacy.contest.election.slug, candidacy.contest.slug])
    )
    assert candidacy.member.name not in contest_page.content.decode()


def test_withdrawing_is_possible_until_the_ballot_opens_and_not_after() -> None:
    pending = factories.make_candidacy(
        factories.make_contest(factories.make_election(Phase.BALLOT_PENDING))
    )
    url = reverse("candidates:withdraw", args=[pending.pk])
    assert signed_in(pending.member.user).post(url, {"confirm": "on"}).status_code == 302
    voting = factories.make_candidacy(factories.make_contest(factories.make_election(Phase.BALLOT)))
    url = reverse("candidates:withdraw", args=[voting.pk])
    assert signed_in(voting.member.user).post(url, {"confirm": "on"}).status_code == 403
    voting.refresh_from_db()
    assert voting.is_standing()


def test_candidate_cannot_withdraw_someone_else() -> None:
    contest = factories.make_contest()
    mine, theirs = factories.make_candidacy(contest), factories.make_candidacy(contest)
    url = reverse("candidates:withdraw", args=[theirs.pk])
    assert signed_in(mine.member.user).post(url, {"confirm": "on"}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.is_standing()


# -- Slates ------------------------------------------------------------------------------------


def propose(candidacy):
    slate = factories.make_slate(candidacy.contest.election, name="Members First")
    return slate.memberships.create(candidacy=candidacy, proposed_at=timezone.now())


def test_candidate_confirms_their_place_on_a_slate() -> None:
    candidacy = factories.make_candidacy()
    offer = propose(candidacy)
    client = signed_in(candidacy.member.user)
    account = client.get(reverse("accounts:my-account")).content.decode()
    assert "Confirm my place on Members First" in account
    assert client.get(reverse("candidates:confirm-slate", args=[offer.pk])).status_code == 405
    response = client.post(reverse("candidates:confirm-slate", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.confirmed_at is not None
    page = Client().get(reverse("candidates:candidate", args=[candidacy.pk])).content.decode()
    assert "Members First" in page


def test_an_unconfirmed_slate_place_is_not_shown_publicly() -> None:
    candidacy = factories.make_candidacy()
    propose(candidacy)
    page = Client().get(reverse("candidates:candidate", args=[candidacy.pk])).content.decode()
    assert "Members First" not in page
    assert "Independent" in page


def test_candidate_cannot_confirm_anothers_slate_place() -> None:
    contest = factories.make_contest()
    mine, theirs = factories.make_candidacy(contest), factories.make_candidacy(contest)
    offer = propose(theirs)
    client = signed_in(mine.member.user)
    assert client.post(reverse("candidates:confirm-slate", args=[offer.pk])).status_code == 403
    offer.refresh_from_db()
    assert offer.confirmed_at is None


def test_slate_places_cannot_be_confirmed_after_nominations_close() -> None:
    candidacy = factories.make_candidacy(
        factories.make_contest(factories.make_election(Phase.BALLOT_PENDING))
    )
    offer = propose(candidacy)
    client = signed_in(candidacy.member.user)
    assert client.post(reverse("candidates:confirm-slate", args=[offer.pk])).status_code == 403


def test_candidate_declines_a_slate_place() -> None:
    candidacy = factories.make_candidacy()
    offer = propose(candidacy)
    client = signed_in(candidacy.member.user)
    assert client.post(reverse("candidates:decline-slate", args=[offer.pk])).status_code == 302
    offer.refresh_from_db()
    assert offer.ended_at is not None
    assert client.post(reverse("candidates:confirm-slate", args=[offer.pk])).status_code == 404


# -- My account --------------------------------------------------------------------------------


def test_account_page_shows_membership_candidacies_and_contests_to_stand_in() -> None:
    region = factories.make_region(name="Scotland")
    unit = factories.make_unit(region, name="Glasgow Kelvin")
    election = factories.make_election()
    national = factories.make_contest(election, name="NEC CLP section")
    factories.make_contest(election, region=region, name="NPF Scotland")
    factories.make_contest(election, region=factories.make_region(), name="NPF Elsewhere")
    user = factories.candidate(national, member=factories.make_member(unit, with_user=True))
    page = signed_in(user).get(reverse("accounts:my-account")).content.decode()
    assert "Glasgow Kelvin" in page
    assert "Scotland" in page
    assert "Your candidacies" in page
    assert "Edit your statement" in page
    assert "stand in NPF Scotland" in page
    assert "NPF Elsewhere" not in page


def test_account_page_explains_why_a_member_cannot_stand() -> None:
    election = factories.make_election(candidate_min_membership_days=365)
    factories.make_contest(election, name="NEC CLP section")
    user = factories.member(joined_on=factories.days_ago(10))
    page = signed_in(user).get(reverse("accounts:my-account")).content.decode()
    assert "you cannot stand" in page
    assert "at least 365 days" in page


def test_account_page_names_a_secretarys_units() -> None:
    unit = factories.make_unit(name="Leeds North")
    user = factories.unit_secretary(unit)
    page = signed_in(user).get(reverse("accounts:my-account")).content.decode()
    assert "You are the secretary of Leeds North" in page
