"""The voting pages over HTTP: code, paper, review, cast, receipt, and every refusal.

Nothing of a vote is kept on the server between pages: accepting a code hands the browser a signed
cookie naming the credential, and the cast swaps it for a signed receipt cookie. These tests read
the cookies the responses set, forge and tamper with them, and check that the session store never
learns who is voting.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from http.cookies import Morsel

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from hustings.ballots.box import Opened, open_box
from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import (
    Ballot,
    BallotEmail,
    Channel,
    Credential,
    EmailKind,
    EmailStatus,
    SealedBallot,
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

# The cookies as docs/security.md describes them: names, salts and the path they are sent to.
VOTING_COOKIE = "hustings_voting"
RECEIPT_COOKIE = "hustings_receipt"
VOTING_SALT = "hustings.ballots.voting"
RECEIPT_SALT = "hustings.ballots.receipt"
BALLOT_PATH = "/ballot/"

TRACKER = re.compile(r'<p class="tracker" id="tracker">([0-9A-Z]{5}-[0-9A-Z]{5})</p>')
ALREADY_CAST = "Your ballot had already been cast"


def link(code: str) -> str:
    return reverse("ballots:code", args=[code])


def text(response) -> str:
    return response.content.decode()


def signed(name: str, value: str, salt: str) -> str:
    """Return a cookie value signed as the site signs its cookies (with SECRET_KEY)."""
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    return response.cookies[name].value


def unsigned(name: str, value: str, salt: str) -> str | None:
    """Return what a signed cookie says, read as the site reads it, or None if it is not valid."""
    request = HttpRequest()
    request.COOKIES[name] = value
    return request.get_signed_cookie(
        name, default=None, salt=salt, max_age=settings.SESSION_COOKIE_AGE
    )


def set_cookie(response, name: str) -> Morsel:
    """Return the cookie the response sets, checking it is scoped, HttpOnly and ends with the browser."""
    morsel = response.cookies[name]
    assert morsel.value
    assert morsel["path"] == BALLOT_PATH
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert bool(morsel["secure"]) == settings.SESSION_COOKIE_SECURE
    assert morsel["max-age"] == ""
    assert morsel["expires"] == ""
    return morsel


def deleted(response, name: str) -> bool:
    """Return whether the response deletes the cookie on the ballot pages' path."""
    morsel = response.cookies.get(name)
    return (
        morsel is not None
        and morsel.value == ""
        and morsel["max-age"] == 0
        and morsel["path"] == BALLOT_PATH
    )


def binding(credential: Credential) -> str:
    """Return what the site's cookies bind a credential with: the start of its code's digest."""
    return credential.code_digest[:16]


def voting_value(credential: Credential) -> str:
    """Return the content of the voting cookie the site hands out for a credential."""
    return f"{credential.pk}:{binding(credential)}"


def receipt_value(credential: Credential, tracker: str, *, emailed: bool = False) -> str:
    """Return the content of the receipt cookie the site hands out for a credential's vote."""
    election = credential.voter.election_id
    return f"{credential.pk}:{election}:{tracker}:{int(emailed)}:{binding(credential)}"


def voting_credential(response) -> int | None:
    """Return the credential pk the response's voting cookie names, if it sets a valid one."""
    morsel = response.cookies.get(VOTING_COOKIE)
    if morsel is None or not morsel.value:
        return None
    value = unsigned(VOTING_COOKIE, set_cookie(response, VOTING_COOKIE).value, VOTING_SALT)
    if value is None:
        return None
    pk, bound = value.split(":")
    credential = Credential.objects.get(pk=int(pk))
    assert bound == binding(credential)
    return credential.pk


def receipt_says(response) -> str | None:
    """Return the receipt cookie's content as the response sets it."""
    return unsigned(RECEIPT_COOKIE, set_cookie(response, RECEIPT_COOKIE).value, RECEIPT_SALT)


def shown_tracker(response) -> str:
    (tracker,) = TRACKER.findall(text(response))
    return tracker


def no_sessions() -> bool:
    """Return whether the session store is empty (read before touching Client.session)."""
    return Session.objects.count() == 0


def opened(client: Client, code: str):
    """Open the ballot with the emailed link, as a voter would; return the response."""
    response = client.get(link(code))
    assert response.status_code == 302
    assert response["Location"] == PAPER
    assert voting_credential(response) == find_credential(code).pk
    return response


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


def sealed(scene: BallotScene) -> list[Opened]:
    """Open (without storing anything) every box sealed so far in the scene's election."""
    return [
        open_box(scene.election.pk, row.key_id, bytes(row.box))
        for row in SealedBallot.objects.filter(election=scene.election)
    ]


def nothing_cast() -> bool:
    return (
        not SealedBallot.objects.exists()
        and not Voter.objects.exclude(voted="").exists()
        and not Credential.objects.filter(used=True).exists()
    )


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


def test_an_accepted_code_is_held_in_a_signed_cookie_for_the_ballot_pages_and_not_in_a_session():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()

    response = client.get(link(code))

    cookie = set_cookie(response, VOTING_COOKIE)
    credential = find_credential(code)
    assert unsigned(VOTING_COOKIE, cookie.value, VOTING_SALT) == voting_value(credential)
    # Signed, not merely encoded: the same value under the receipt's salt is not accepted.
    assert unsigned(VOTING_COOKIE, cookie.value, RECEIPT_SALT) is None
    assert code not in cookie.value
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert no_sessions()


def test_voting_without_signing_in_writes_nothing_to_the_session_store():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()

    client.get(VOTE)
    client.post(VOTE, {"membership_number": voter.member.membership_number, "code": code})
    client.get(PAPER)
    client.post(PAPER, paper_data(scene, [0], {0: "1"}))
    cast = client.post(CAST, paper_data(scene, [0], {0: "1"}))
    client.get(RECEIPT)
    client.post(RECEIPT)

    assert cast.status_code == 200
    assert SealedBallot.objects.count() == 1
    assert no_sessions()
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_a_session_key_fixed_before_voting_is_never_linked_to_the_credential():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    # Someone plants a session of their own in the voter's browser before the voter votes.
    planted = SessionStore()
    planted["marker"] = "x"
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    opened(client, code)
    client.get(PAPER)
    response = client.post(CAST, paper_data(scene, [0], {}))

    assert response.status_code == 200
    credential = Credential.objects.get()
    assert credential.tracker == shown_tracker(response)
    # The planted session is the only one, and it holds what it held: nothing of the vote.
    (session,) = Session.objects.all()
    assert session.session_key == planted.session_key
    assert session.get_decoded() == {"marker": "x"}


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
    assert voting_credential(response) == find_credential(code).pk
    assert "Your ballot paper" in text(client.get(PAPER))


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
        assert VOTING_COOKIE not in response.cookies
    assert VOTING_COOKIE not in client.cookies
    assert client.get(PAPER)["Location"] == VOTE


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
    assert VOTING_COOKIE not in response.cookies


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
    assert nothing_cast()


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
    # The choices travel in the page: no cookie changes, and nothing is kept on the server.
    assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    assert no_sessions()
    assert nothing_cast()


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


def test_casting_seals_exactly_one_ballot_and_answers_with_the_receipt():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    opened(client, code)
    credential = find_credential(code)

    response = client.post(CAST, paper_data(scene, [3, 1], {2: "1", 0: "2"}))

    assert response.status_code == 200
    assert "Your vote has been cast" in text(response)
    assert ALREADY_CAST not in text(response)
    assert "no-store" in response["Cache-Control"]
    tracker = shown_tracker(response)
    (box,) = sealed(scene)
    national, regional = scene.national_candidates, scene.regional_candidates
    assert box == Opened(
        Channel.ONLINE,
        tracker,
        {
            scene.national.pk: f"{national[1].pk},{national[3].pk}",
            scene.regional.pk: f"{regional[2].pk},{regional[0].pk}",
        },
    )
    # Nothing readable is stored until the count opens the box.
    assert not Ballot.objects.exists()
    assert not Vote.objects.exists()
    assert not Tracker.objects.exists()
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    credential.refresh_from_db()
    assert (credential.used, credential.tracker) == (True, tracker)
    # The voting cookie goes; the receipt cookie names the receipt and nothing of the choices.
    assert deleted(response, VOTING_COOKIE)
    assert receipt_says(response) == receipt_value(credential, tracker)
    assert no_sessions()
    receipt = client.get(RECEIPT)
    assert shown_tracker(receipt) == tracker
    assert "no-store" in receipt["Cache-Control"]


def test_a_blank_contest_is_cast_as_a_blank_vote():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    client.post(CAST, paper_data(scene, [0]))

    (box,) = sealed(scene)
    assert box.rankings == {
        scene.national.pk: str(scene.national_candidates[0].pk),
        scene.regional.pk: "",
    }


def test_the_cast_rechecks_the_choices_and_stores_nothing_if_they_are_wrong():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)

    response = client.post(CAST, paper_data(scene, [0, 1, 2], {}))

    assert response.status_code == 400
    assert "you may vote for up to 2 candidates, and 3 are marked" in text(response)
    assert nothing_cast()
    assert VOTING_COOKIE not in response.cookies
    assert RECEIPT_COOKIE not in response.cookies


def test_a_double_submitted_cast_seals_one_ballot_and_both_answers_show_its_tracker():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    held = client.cookies[VOTING_COOKIE].value
    data = paper_data(scene, [0], {0: "1"})
    first = client.post(CAST, data)
    # A double click: the second request left the browser with the same voting cookie.
    client.cookies[VOTING_COOKIE] = held

    second = client.post(CAST, data)

    assert SealedBallot.objects.count() == 1
    assert (first.status_code, second.status_code) == (200, 200)
    tracker = Credential.objects.get().tracker
    assert shown_tracker(first) == shown_tracker(second) == tracker
    assert ALREADY_CAST not in text(first)
    assert ALREADY_CAST in text(second)
    assert "It was cast once, and counts once." in text(second)
    assert deleted(second, VOTING_COOKIE)
    assert receipt_says(second) == receipt_value(Credential.objects.get(), tracker)


def test_a_cast_whose_twin_request_already_cast_shows_the_twins_tracker():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    # A second tab (or the first of a double click) has cast, and its answer never reached here.
    tracker = do_cast_ballot(find_credential(code), {})

    response = client.post(CAST, paper_data(scene, [0], {0: "1"}))

    assert response.status_code == 200
    assert shown_tracker(response) == tracker
    assert ALREADY_CAST in text(response)
    assert receipt_says(response).split(":")[2:4] == [tracker, "0"]
    # The first cast stands: blank, as it was cast.
    (box,) = sealed(scene)
    assert box.rankings == {scene.national.pk: "", scene.regional.pk: ""}


def test_reloading_the_cast_after_casting_shows_the_receipt_again():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    data = paper_data(scene, [0], {0: "1"})
    tracker = shown_tracker(client.post(CAST, data))

    reload = client.post(CAST, data, follow=True)

    assert reload.redirect_chain == [(RECEIPT, 302)]
    assert shown_tracker(reload) == tracker
    assert SealedBallot.objects.count() == 1
    # The paper itself also leads back to the receipt, not to a fresh paper.
    assert client.get(PAPER)["Location"] == RECEIPT


def test_a_cast_after_a_postal_vote_is_refused_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    postal = do_cast_ballot(find_credential(code), {}, channel=Channel.POSTAL)

    response = client.post(CAST, paper_data(scene, [0], {0: "1"}))

    assert response.status_code == 200
    page = text(response)
    assert "You have already voted" in page
    assert "(by post)" in page
    assert "Each member votes once" in page
    # The postal paper's tracker is not handed to whoever holds the code.
    assert postal not in page
    assert RECEIPT_COOKIE not in response.cookies
    (box,) = sealed(scene)
    assert (box.channel, box.tracker) == (Channel.POSTAL, postal)
    assert box.rankings == {scene.national.pk: "", scene.regional.pk: ""}


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
    assert VOTING_COOKIE not in again.cookies
    assert f'href="{RECEIPT}"' not in text(again)
    assert SealedBallot.objects.count() == 1


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
    assert VOTING_COOKIE not in response.cookies


def test_a_cast_after_the_ballot_closes_is_refused_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    scene.election.ballot_close_at = timezone.now() - timedelta(minutes=1)
    scene.election.save()

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert "Voting has closed" in text(response)
    assert nothing_cast()
    assert RECEIPT_COOKIE not in response.cookies


def test_a_replaced_code_is_refused_and_the_new_one_works():
    scene = BallotScene()
    voter, old = scene.voter()
    with transaction.atomic():
        new = mint_credential(voter, reissue=True)

    refused = Client().get(link(old))
    accepted = Client().get(link(new))

    assert "This code has been replaced" in text(refused)
    assert "Use the code in your latest ballot email or letter." in text(refused)
    assert VOTING_COOKIE not in refused.cookies
    assert accepted["Location"] == PAPER
    assert voting_credential(accepted) == find_credential(new).pk


def test_a_code_replaced_after_it_was_entered_cannot_cast():
    scene = BallotScene()
    voter, old = scene.voter()
    client = Client()
    opened(client, old)
    with transaction.atomic():
        mint_credential(voter, reissue=True)

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert "This code has been replaced" in text(response)
    assert nothing_cast()


def test_a_link_with_an_unknown_code_is_refused():
    BallotScene()

    response = Client().get(link("ZZZZ-ZZZZ-ZZZZ-ZZZZ"))

    assert "We do not recognise this code" in text(response)
    assert VOTING_COOKIE not in response.cookies


def test_the_paper_without_a_voting_cookie_asks_for_a_code():
    response = Client().get(PAPER, follow=True)

    assert response.redirect_chain[-1][0] == VOTE
    assert "Enter your membership number and voting code" in text(response)


def forgeries(victim: Credential, genuine: str) -> dict[str, str]:
    """Return voting cookies naming the victim's credential that this site did not hand out."""
    _, own_binding, timestamp, signature = genuine.split(":")
    value = voting_value(victim)
    with override_settings(SECRET_KEY="another site's secret key " * 2, SECRET_KEY_FALLBACKS=[]):
        another_key = signed(VOTING_COOKIE, value, VOTING_SALT)
    return {
        "unsigned": value,
        # The attacker's own genuine cookie with the pk changed to the victim's.
        "tampered": f"{victim.pk}:{own_binding}:{timestamp}:{signature}",
        "receipt salt": signed(VOTING_COOKIE, value, RECEIPT_SALT),
        "another cookie's signature": signed(RECEIPT_COOKIE, value, VOTING_SALT),
        "another key": another_key,
        # Whoever holds SECRET_KEY without the database: the site's own signature, but the victim's
        # binding (part of a keyed digest kept only in the database) unknown.
        "the site's key without the database": signed(
            VOTING_COOKIE, f"{victim.pk}:{'0' * 16}", VOTING_SALT
        ),
        "the site's key with the attacker's binding": signed(
            VOTING_COOKIE, f"{victim.pk}:{own_binding}", VOTING_SALT
        ),
    }


@pytest.mark.parametrize(
    "forgery",
    [
        "unsigned",
        "tampered",
        "receipt salt",
        "another cookie's signature",
        "another key",
        "the site's key without the database",
        "the site's key with the attacker's binding",
    ],
)
def test_a_forged_or_tampered_voting_cookie_is_ignored(forgery: str):
    scene = BallotScene()
    _, mine = scene.voter()
    victim_voter, _ = scene.voter()
    attacker = Client()
    genuine = opened(attacker, mine).cookies[VOTING_COOKIE].value
    victim = Credential.objects.get(voter=victim_voter)
    attacker.cookies[VOTING_COOKIE] = forgeries(victim, genuine)[forgery]

    paper = attacker.get(PAPER, follow=True)
    cast = attacker.post(CAST, paper_data(scene, [0], {}), follow=True)

    for response in (paper, cast):
        assert response.redirect_chain == [(VOTE, 302)]
        assert "Enter your membership number and voting code" in text(response)
    assert nothing_cast()


def test_a_voting_cookie_older_than_a_session_is_ignored(monkeypatch):
    scene = BallotScene()
    _, code = scene.voter()
    credential = find_credential(code)
    then = time.time() - settings.SESSION_COOKIE_AGE - 60
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: then)
        stale = signed(VOTING_COOKIE, voting_value(credential), VOTING_SALT)
    client = Client()
    client.cookies[VOTING_COOKIE] = stale

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert response["Location"] == VOTE
    assert nothing_cast()
    # The same cookie signed now is accepted: only its age refused it.
    client.cookies[VOTING_COOKIE] = signed(VOTING_COOKIE, voting_value(credential), VOTING_SALT)
    assert client.post(CAST, paper_data(scene, [0], {})).status_code == 200
    assert SealedBallot.objects.count() == 1


def test_a_receipt_cookie_signed_for_voting_is_not_accepted_as_a_receipt():
    scene = BallotScene()
    _, code = scene.voter()
    credential = find_credential(code)
    do_cast_ballot(credential, {})
    credential.refresh_from_db()
    client = Client()
    receipt = receipt_value(credential, credential.tracker)
    client.cookies[RECEIPT_COOKIE] = signed(RECEIPT_COOKIE, receipt, VOTING_SALT)

    response = client.get(RECEIPT)

    assert "No receipt here" in text(response)
    assert credential.tracker not in text(response)
    # Signed as the site signs receipts, the same content is a receipt.
    client.cookies[RECEIPT_COOKIE] = signed(RECEIPT_COOKIE, receipt, RECEIPT_SALT)
    assert shown_tracker(client.get(RECEIPT)) == credential.tracker


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
    (box,) = sealed(scene)
    assert box.rankings == {scene.national.pk: str(scene.national_candidates[0].pk)}


def test_a_signed_in_member_votes_with_their_code_in_the_same_way():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    client.force_login(make_user(email="someone@example.org"))
    before = client.session.session_key
    opened(client, code)

    response = client.post(CAST, paper_data(scene, [0], {}))

    assert response.status_code == 200
    assert shown_tracker(response) == Credential.objects.get().tracker
    assert SealedBallot.objects.count() == 1
    # Still signed in, in the same session, which holds the sign-in and nothing of the vote.
    (session,) = Session.objects.all()
    assert session.session_key == before
    assert set(session.get_decoded()) == {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}


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
    assert nothing_cast()


def test_the_receipt_is_emailed_once_to_the_register_address_and_logged_without_the_tracker():
    scene = BallotScene()
    voter, code = scene.voter()
    client = Client()
    opened(client, code)
    tracker = shown_tracker(client.post(CAST, paper_data(scene, [0, 1], {0: "1"})))

    first = client.post(RECEIPT)
    emailed = client.get(RECEIPT)
    second = client.post(RECEIPT, follow=True)

    assert first["Location"] == RECEIPT
    assert receipt_says(first) == receipt_value(voter.credentials.get(), tracker, emailed=True)
    assert "We are emailing your tracker" in text(emailed)
    assert "Your tracker has been emailed" in text(emailed)
    assert "Email my tracker to me" not in text(emailed)
    assert "Your tracker has already been emailed to you." in text(second)
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
    for field in BallotEmail._meta.concrete_fields:
        assert tracker not in str(field.value_from_object(logged)), field.name


def test_replaying_the_receipt_cookie_from_before_the_email_does_not_send_it_again():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    shown_tracker(client.post(CAST, paper_data(scene, [0], {})))
    before = client.cookies[RECEIPT_COOKIE].value

    client.post(RECEIPT)
    for _ in range(3):
        client.cookies[RECEIPT_COOKIE] = before
        replayed = client.post(RECEIPT, follow=True)
        assert "Your tracker has already been emailed to you." in text(replayed)

    assert len(mail.outbox) == 1
    assert BallotEmail.objects.count() == 1


def test_a_receipt_cookie_naming_another_credentials_tracker_sends_no_email():
    scene = BallotScene()
    _, code = scene.voter()
    _, other = scene.voter()
    theirs = do_cast_ballot(find_credential(other), {})
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))
    mine = find_credential(code)
    client.cookies[RECEIPT_COOKIE] = signed(
        RECEIPT_COOKIE, receipt_value(mine, theirs), RECEIPT_SALT
    )

    client.post(RECEIPT)

    assert mail.outbox == []
    assert not BallotEmail.objects.exists()


def test_a_receipt_cookie_made_with_the_sites_key_but_without_the_database_sends_no_email():
    scene = BallotScene()
    voter, code = scene.voter()
    tracker = do_cast_ballot(find_credential(code), {})
    credential = voter.credentials.get()
    forged = receipt_value(credential, tracker).rsplit(":", 1)[0] + ":" + "0" * 16
    client = Client()
    client.cookies[RECEIPT_COOKIE] = signed(RECEIPT_COOKIE, forged, RECEIPT_SALT)

    client.post(RECEIPT)

    assert mail.outbox == []
    assert not BallotEmail.objects.exists()
    # With the genuine binding the same request sends it.
    client.cookies[RECEIPT_COOKIE] = signed(
        RECEIPT_COOKIE, receipt_value(credential, tracker), RECEIPT_SALT
    )
    client.post(RECEIPT)
    assert len(mail.outbox) == 1


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
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    tracker = shown_tracker(client.post(CAST, paper_data(scene, [0], {})))

    response = Client().get(RECEIPT)

    assert "No receipt here" in text(response)
    assert tracker not in text(response)


def test_a_used_credential_stays_used_and_is_not_revoked_by_the_pages():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    tracker = shown_tracker(client.post(CAST, paper_data(scene, [0], {})))
    client.get(link(code))

    credential = Credential.objects.get()
    assert credential.used
    assert credential.tracker == tracker
    assert credential.revoked_at is None


def test_a_receipt_email_that_fails_is_logged_as_failed_without_the_tracker(monkeypatch):
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    tracker = shown_tracker(client.post(CAST, paper_data(scene, [0], {})))

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
    assert VOTING_COOKIE not in response.cookies


def test_reopening_the_link_in_the_browser_that_voted_points_to_its_receipt():
    scene = BallotScene()
    _, code = scene.voter()
    client = Client()
    opened(client, code)
    client.post(CAST, paper_data(scene, [0], {}))

    again = client.get(link(code))

    assert "You have already voted" in text(again)
    assert f'href="{RECEIPT}"' in text(again)
    assert VOTING_COOKIE not in again.cookies


def test_a_second_member_on_the_same_computer_does_not_see_the_first_members_receipt():
    scene = BallotScene()
    _, first = scene.voter()
    _, second = scene.voter()
    client = Client()
    opened(client, first)
    tracker = shown_tracker(client.post(CAST, paper_data(scene, [0], {})))

    entered = opened(client, second)

    assert deleted(entered, RECEIPT_COOKIE)
    assert "No receipt here" in text(client.get(RECEIPT))
    refused = text(client.get(link(first)))
    assert "You have already voted" in refused
    assert tracker not in refused
    assert f'href="{RECEIPT}"' not in refused
    # The second member votes with their own code, and sees their own tracker.
    own = client.post(CAST, paper_data(scene, [1], {}))
    assert shown_tracker(own) != tracker
    assert shown_tracker(own) == find_credential(second).tracker
    assert SealedBallot.objects.count() == 2


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
