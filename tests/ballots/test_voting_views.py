"""The voting pages over HTTP: code, paper, review, cast, receipt, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import (
    Ballot,
    BallotEmail,
    Channel,
    Credential,
    EmailKind,
    EmailStatus,
    Tracker,
    Vote,
    Voter,
)
from hustings.ballots.roll import mint_credential
from hustings.ballots.views import voting
from hustings.elections.models import Phase
from tests.accounts.helpers import staff_client
from tests.factories import BallotScene, make_user, returning_officer

pytestmark = pytest.mark.django_db

PAPER = reverse("ballots:paper")
CAST = reverse("ballots:cast")
RECEIPT = reverse("ballots:receipt")
VOTE = reverse("ballots:vote")


def link(code: str) -> str:
    return reverse("ballots:code", args=[code])


def opened(client: Client, code: str) -> None:
    """Open the ballot with the emailed link, as a voter would."""
    response = client.get(link(code))
    assert response.status_code == 302
    assert response["Location"] == PAPER


def paper_data(
    scene: BallotScene, national: list[int] = (), ranks: dict[int, str] | None = None
) -> dict[str, object]:
    """Return the paper's POST data: ticks by index into national, numbers by index into regional."""
    data: dict[str, object] = {
        f"c{scene.national.pk}": [str(scene.national_candidates[i].pk) for i in national]
    }
    for index, rank in (ranks or {}).items():
        data[f"c{scene.regional.pk}-{scene.regional_candidates[index].pk}"] = rank
    return data


def text(response) -> str:
    return response.content.decode()


def test_the_emailed_link_opens_the_whole_paper_in_ballot_order_without_the_code_in_the_address():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.get(PAPER)

    assert response.status_code == 200
    page = text(response)
    assert code not in page
    assert "Vote for up to 2 candidates." in page
    assert "1 for your first choice" in page
    national = [page.index(c.member.name) for c in scene.national_candidates]
    regional = [page.index(c.member.name) for c in scene.regional_candidates]
    assert national == sorted(national)
    assert regional == sorted(regional)
    for candidacy in [*scene.national_candidates, *scene.regional_candidates]:
        assert reverse("candidates:candidate", args=[candidacy.pk]) in page
    assert "no-store" in response["Cache-Control"]


def test_a_session_key_fixed_before_the_code_is_replaced_when_the_code_is_accepted():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    client.get(VOTE)
    session = client.session
    session["marker"] = "x"
    session.save()
    before = session.session_key

    opened(client, code)

    assert client.session.session_key != before


def test_a_member_who_types_their_number_and_code_loosely_gets_their_paper():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    typed = " ".join(code.replace("-", "").lower()[i : i + 2] for i in range(0, 16, 2))

    response = client.post(
        VOTE,
        {"membership_number": f" {voter.member.membership_number.lower()} ", "code": typed},
    )

    assert response.status_code == 302
    assert response["Location"] == PAPER
    assert client.session[voting.VOTING] == find_credential(code).pk


def test_a_code_with_the_wrong_membership_number_is_refused_like_an_unknown_code():
    scene = BallotScene()
    _, code = scene.voter()
    other, _ = scene.voter()
    client = Client()

    wrong_number = client.post(
        VOTE, {"membership_number": other.member.membership_number, "code": code}
    )
    unknown_code = client.post(
        VOTE, {"membership_number": other.member.membership_number, "code": "0000-0000-0000-0000"}
    )

    for response in (wrong_number, unknown_code):
        assert response.status_code == 400
        assert "The membership number and voting code do not match." in text(response)
    assert voting.VOTING not in client.session


def test_a_code_that_cannot_be_a_code_says_what_a_code_looks_like():
    scene = BallotScene()
    voter, _ = scene.voter()

    response = Client().post(
        VOTE, {"membership_number": voter.member.membership_number, "code": "12345"}
    )

    assert response.status_code == 400
    assert "A voting code has 16 letters and numbers" in text(response)


def test_repeated_wrong_codes_for_one_membership_number_are_rate_limited():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    allowed = voting.ratelimit.VOTING_CODE.per_subject
    for _ in range(allowed):
        response = client.post(
            VOTE,
            {"membership_number": voter.member.membership_number, "code": "0000-0000-0000-0000"},
        )
        assert response.status_code == 400

    # Even the right code waits: the limit is on the membership number, not on being wrong.
    response = client.post(
        VOTE, {"membership_number": voter.member.membership_number, "code": code}
    )

    assert response.status_code == 429
    assert "Too many attempts" in text(response)


def test_an_over_vote_is_refused_naming_the_contest_and_keeping_the_ticks():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(PAPER, paper_data(scene, [0, 1, 2], {0: "1"}))

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem with your ballot" in page
    assert "National: you may vote for up to 2 candidates, and 3 are marked." in page
    assert f'href="#contest-{scene.national.pk}"' in page
    for candidacy in scene.national_candidates[:3]:
        assert f'value="{candidacy.pk}" checked' in page
    assert f'value="{scene.national_candidates[3].pk}" checked' not in page
    first = scene.regional_candidates[0].pk
    assert f'name="c{scene.regional.pk}-{first}" value="1"' in page
    assert not Ballot.objects.exists()


def test_a_number_given_twice_is_refused_naming_both_candidates():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(PAPER, paper_data(scene, [], {0: "1", 1: "2", 2: "2"}))

    assert response.status_code == 400
    assert (
        "Regional: Fay Local and Gus Local are both numbered 2; give each candidate a different "
        "number." in text(response)
    )


def test_a_gap_in_the_numbers_is_refused_naming_the_candidate_after_it():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(PAPER, paper_data(scene, [], {0: "1", 2: "3"}))

    assert response.status_code == 400
    assert (
        "Regional: no candidate is numbered 2, but Gus Local is numbered 3; number your choices "
        "1, 2, 3 and so on without leaving gaps." in text(response)
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("first", "the number beside Eve Local must be a whole number"),
        ("1.5", "the number beside Eve Local must be a whole number"),
        ("0", "the number beside Eve Local is 0; use numbers from 1 to 3."),
        ("4", "the number beside Eve Local is 4; use numbers from 1 to 3."),
    ],
)
def test_a_number_that_is_not_a_rank_is_refused(typed: str, message: str):
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(PAPER, paper_data(scene, [], {0: typed}))

    assert response.status_code == 400
    assert message in text(response)


def test_review_shows_each_contests_choices_and_a_blank_contest_as_no_vote():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(PAPER, paper_data(scene, [], {2: " 1 ", 0: "2"}))

    assert response.status_code == 200
    page = text(response)
    assert "Check your choices" in page
    assert "No vote in this contest (blank)." in page
    assert page.index("Gus Local") < page.index("Eve Local")
    gus, eve = scene.regional_candidates[2].pk, scene.regional_candidates[0].pk
    assert f'name="c{scene.regional.pk}-{gus}" value="1"' in page
    assert f'name="c{scene.regional.pk}-{eve}" value="2"' in page
    assert "Cast my vote" in page
    assert "Change my choices" in page
    assert "no-store" in response["Cache-Control"]
    # The choices travel in the page, not in the session.
    assert dict(client.session.items()) == {voting.VOTING: find_credential(code).pk}
    assert not Ballot.objects.exists()


def test_changing_the_choices_returns_to_the_paper_with_them_filled_in():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    data = paper_data(scene, [1], {1: "1"})

    response = client.post(PAPER, {**data, "change": "1"})

    assert response.status_code == 200
    page = text(response)
    assert "Your ballot paper" in page
    assert f'value="{scene.national_candidates[1].pk}" checked' in page
    assert f'name="c{scene.regional.pk}-{scene.regional_candidates[1].pk}" value="1"' in page


def test_casting_the_reviewed_choices_stores_exactly_one_ballot_and_shows_the_tracker():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(CAST, paper_data(scene, [3, 1], {2: "1", 0: "2"}))

    assert response.status_code == 302
    assert response["Location"] == RECEIPT
    ballot = Ballot.objects.get()
    assert ballot.channel == Channel.ONLINE
    votes = {vote.contest_id: vote.candidacy_ids() for vote in Vote.objects.filter(ballot=ballot)}
    national, regional = scene.national_candidates, scene.regional_candidates
    assert votes == {
        scene.national.pk: [national[1].pk, national[3].pk],
        scene.regional.pk: [regional[2].pk, regional[0].pk],
    }
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    tracker = Tracker.objects.get().code
    receipt = client.get(RECEIPT)
    assert tracker in text(receipt)
    assert "no-store" in receipt["Cache-Control"]
    # The session keeps the receipt only: no credential to vote with, and no choices.
    session = dict(client.session.items())
    assert voting.VOTING not in session
    assert session[voting.RECEIPT] == {
        "tracker": tracker,
        "credential": find_credential(code).pk,
        "election": scene.election.pk,
    }


def test_a_blank_contest_is_cast_as_a_blank_vote():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    client.post(CAST, paper_data(scene, [0]))

    votes = dict(Vote.objects.values_list("contest_id", "ranking"))
    assert votes == {scene.national.pk: str(scene.national_candidates[0].pk), scene.regional.pk: ""}


def test_the_cast_rechecks_the_choices_and_stores_nothing_if_they_are_wrong():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(CAST, paper_data(scene, [0, 1, 2], {}))

    assert response.status_code == 400
    assert "you may vote for up to 2 candidates, and 3 are marked" in text(response)
    assert not Ballot.objects.exists()
    assert not Voter.objects.filter(voted__gt="").exists()


def test_a_double_submitted_cast_lands_on_the_receipt_and_stores_one_ballot():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    data = paper_data(scene, [0], {0: "1"})
    client.post(CAST, data)

    again = client.post(CAST, data)

    assert again.status_code == 302
    assert again["Location"] == RECEIPT
    assert Ballot.objects.count() == 1


def test_a_cast_whose_twin_request_already_voted_waits_for_the_twins_receipt(monkeypatch):
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    credential = find_credential(code)
    # A double click: the twin request has cast, but has not yet saved the receipt into the
    # session, which it does while this request waits.
    tracker = do_cast_ballot(credential, {})
    key = client.session.session_key

    def twin_saves_its_session(seconds: float) -> None:
        store = SessionStore(key)
        store.pop(voting.VOTING, None)
        store[voting.RECEIPT] = {
            "tracker": tracker,
            "credential": credential.pk,
            "election": scene.election.pk,
        }
        store.save()

    monkeypatch.setattr(voting.time, "sleep", twin_saves_its_session)
    response = client.post(CAST, paper_data(scene, [0], {0: "1"}))

    assert response["Location"] == RECEIPT
    assert tracker in text(client.get(RECEIPT))
    assert Ballot.objects.count() == 1


def test_a_cast_after_a_postal_vote_is_refused_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    do_cast_ballot(find_credential(code), {}, channel=Channel.POSTAL)

    response = client.post(CAST, paper_data(scene, [0], {0: "1"}))

    assert response.status_code == 200
    assert "You have already voted" in text(response)
    assert "(by post)" in text(response)
    assert "Each member votes once" in text(response)
    assert Ballot.objects.count() == 1
    assert Vote.objects.filter(ranking__gt="").count() == 0


def test_opening_the_link_again_after_voting_is_refused():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))

    again = Client().get(link(code))

    assert again.status_code == 200
    assert "You have already voted" in text(again)
    assert "(online)" in text(again)
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("phase", "words"),
    [(Phase.BALLOT_PENDING, "Voting is not open yet"), (Phase.COUNT, "Voting has closed")],
)
def test_the_link_outside_the_ballot_window_says_when_voting_is_open(phase: Phase, words: str):
    scene = BallotScene(phase)
    _, code = scene.voter()

    response = Client().get(link(code))

    page = text(response)
    assert words in page
    when = timezone.localtime(scene.election.ballot_close_at)
    assert f"{when:%-d %B %Y at %H:%M}" in page
    assert voting.VOTING not in Client().session


def test_a_cast_after_the_ballot_closes_is_refused_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    scene.election.ballot_close_at = timezone.now() - timedelta(minutes=1)
    scene.election.save()

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert "Voting has closed" in text(response)
    assert not Ballot.objects.exists()


def test_a_replaced_code_is_refused_and_the_new_one_works():
    scene = BallotScene()
    voter, old = scene.voter()
    from django.db import transaction

    with transaction.atomic():
        new = mint_credential(voter, reissue=True)

    refused = Client().get(link(old))
    accepted = Client().get(link(new))

    assert "This code has been replaced" in text(refused)
    assert "Use the code in your latest ballot email or letter." in text(refused)
    assert accepted["Location"] == PAPER


def test_a_link_with_an_unknown_code_is_refused():
    BallotScene()

    response = Client().get(link("ZZZZ-ZZZZ-ZZZZ-ZZZZ"))

    assert "We do not recognise this code" in text(response)


def test_the_paper_without_a_code_in_the_session_asks_for_one():
    response = Client().get(PAPER, follow=True)

    assert response.redirect_chain[-1][0] == VOTE
    assert "Enter your membership number and voting code" in text(response)


def test_the_regional_contest_appears_only_for_that_regions_voters():
    scene = BallotScene()
    _, inside = scene.voter()
    _, outside = scene.voter(in_region=False)
    here, elsewhere = Client(), Client()
    opened(here, inside)
    opened(elsewhere, outside)

    assert "Regional" in text(here.get(PAPER))
    away = text(elsewhere.get(PAPER))
    assert "National" in away
    assert "Regional" not in away
    assert "Eve Local" not in away
    # Numbers for the regional contest sent by someone outside the region are not read at all.
    elsewhere.post(CAST, paper_data(scene, [0], {0: "1"}))
    assert list(Vote.objects.values_list("contest_id", flat=True)) == [scene.national.pk]


def test_a_signed_in_member_votes_with_their_code_in_the_same_way():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    client.force_login(make_user(email="someone@example.org"))
    opened(client, code)

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert response["Location"] == RECEIPT
    assert Ballot.objects.count() == 1
    assert "_auth_user_id" in client.session


def test_every_post_needs_the_csrf_token():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client(enforce_csrf_checks=True)
    opened(client, code)

    for url, data in (
        (VOTE, {"membership_number": voter.member.membership_number, "code": code}),
        (PAPER, paper_data(scene, [0])),
        (CAST, paper_data(scene, [0])),
        (RECEIPT, {}),
    ):
        assert client.post(url, data).status_code == 403
    assert not Ballot.objects.exists()


def test_the_receipt_is_emailed_once_to_the_register_address_and_logged_without_the_tracker():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0, 1], {0: "1"}))
    tracker = Tracker.objects.get().code

    response = client.post(RECEIPT, follow=True)
    client.post(RECEIPT)

    assert "We are emailing your tracker" in text(response)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [voter.member.email]
    assert tracker in sent.body
    assert code not in sent.body
    for candidacy in scene.national_candidates + scene.regional_candidates:
        assert candidacy.member.name not in sent.body
    logged = BallotEmail.objects.get()
    assert (logged.member, logged.kind, logged.status) == (
        voter.member,
        EmailKind.RECEIPT,
        EmailStatus.SENT,
    )
    assert tracker not in logged.error


def test_a_member_with_no_email_address_is_told_to_write_the_tracker_down():
    scene = BallotScene()
    _, code = scene.voter(email="")
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))

    response = client.post(RECEIPT, follow=True)

    assert "There is no email address on your membership record" in text(response)
    assert mail.outbox == []


def test_the_receipt_page_in_another_browser_shows_no_tracker():
    response = Client().get(RECEIPT)

    assert "No receipt here" in text(response)


def test_a_used_credential_stays_used_and_is_not_revoked_by_the_pages():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))
    client.get(link(code))

    credential = Credential.objects.get()
    assert credential.used
    assert credential.revoked_at is None


def test_a_receipt_email_that_fails_is_logged_as_failed_without_the_tracker(monkeypatch):
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))
    tracker = Tracker.objects.get().code

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(f"relay said no to a message containing {tracker}")

    monkeypatch.setattr("hustings.ballots.receipts.send_mail", refuse)
    client.post(RECEIPT)

    logged = BallotEmail.objects.get()
    assert (logged.kind, logged.status) == (EmailKind.RECEIPT, EmailStatus.FAILED)
    assert logged.error == "OSError: relay said no to a message containing [tracker]"


def test_repeated_unknown_codes_in_links_from_one_address_are_rate_limited():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    for _ in range(voting.ratelimit.VOTING_CODE.per_subject):
        assert "We do not recognise this code" in text(client.get(link("ZZZZ-ZZZZ-ZZZZ-ZZZZ")))

    response = client.get(link(code))

    assert response.status_code == 429
    assert voting.VOTING not in client.session


def test_reopening_the_link_in_the_browser_that_voted_points_to_its_receipt():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))

    again = text(client.get(link(code)))

    assert "You have already voted" in again
    assert f'href="{RECEIPT}"' in again


def test_a_second_member_on_the_same_computer_does_not_see_the_first_members_receipt():
    scene = BallotScene()
    _, first = scene.voter()
    _, second = scene.voter()
    client = Client()
    opened(client, first)
    client.post(CAST, paper_data(scene, [0], {}))
    tracker = Tracker.objects.get().code

    opened(client, second)

    assert voting.RECEIPT not in client.session
    assert tracker not in text(client.get(RECEIPT))
    assert tracker not in text(client.get(link(first)))


def test_the_election_page_sends_members_to_vote_and_staff_to_run_the_ballot():
    scene = BallotScene()
    page = Client().get(reverse("elections:election", args=[scene.election.slug])).content.decode()
    assert reverse("ballots:vote") in page
    assert reverse("ballots:staff-turnout", args=[scene.election.slug]) not in page

    staff = staff_client(returning_officer())
    page = staff.get(reverse("elections:election", args=[scene.election.slug])).content.decode()
    assert reverse("ballots:staff-turnout", args=[scene.election.slug]) in page
    assert reverse("ballots:staff-postal", args=[scene.election.slug]) in page
    assert reverse("results:review", args=[scene.election.slug]) in page
