"""A member votes from their ballot email: ticks, ranks by keyboard, reviews, casts, keeps a tracker."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from hustings.ballots.box import open_box
from hustings.ballots.issuing import do_issue_credentials
from hustings.ballots.models import Ballot, Credential, SealedBallot, Tracker
from hustings.results.actions import do_start_count
from tests import factories
from tests.browser.axe import assert_accessible
from tests.results.scene import close_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BALLOT_LINK = re.compile(r"https?://\S+/ballot/code/[0-9A-Z-]+/")


def ballot_link_for(email: str) -> str:
    """Return the voting link from the ballot email sent to this address."""
    (sent,) = [message for message in mail.outbox if message.to == [email]]
    (found,) = set(BALLOT_LINK.findall(sent.body))
    return found


def issue(scene: factories.BallotScene) -> None:
    """Issue every eligible member a code, as staff do when the ballot opens: emails and letters."""
    do_issue_credentials(factories.returning_officer(), scene.election, print_file=io.StringIO())


def ballot_cookies(page: Page) -> dict[str, dict]:
    """Return the browser's cookies by name."""
    return {cookie["name"]: cookie for cookie in page.context.cookies()}


def test_member_votes_from_the_email_ranking_by_keyboard_and_cannot_vote_twice(page: Page) -> None:
    scene = factories.BallotScene()
    voter = factories.make_member(scene.unit, name="Priya Shah", email="priya@example.org")
    issue(scene)
    link = ballot_link_for(voter.email)

    page.goto(link)
    expect(page.get_by_role("heading", name="Your ballot paper", level=1)).to_be_visible()
    # The code has left the address bar: the page is the paper's own address.
    assert page.url.endswith(reverse("ballots:paper"))
    expect(page.get_by_role("group", name="National")).to_contain_text(
        "Vote for up to 2 candidates."
    )
    expect(page.get_by_role("group", name="Regional")).to_contain_text("1 for your first choice")
    assert_accessible(page)

    # Three ticks for two seats: refused, with a summary that links to the contest.
    for name in ("Ada Candidate", "Ben Candidate", "Di Candidate"):
        page.get_by_label(name).check()
    expect(page.get_by_role("group", name="National")).to_contain_text(
        "3 of up to 2 chosen. That is too many: untick 1."
    )
    page.get_by_role("button", name="Review my choices").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        "National: you may vote for up to 2 candidates, and 3 are marked."
    )
    expect(summary).to_be_focused()
    expect(page.get_by_label("Di Candidate")).to_be_checked()
    assert_accessible(page)

    # From here on, the keyboard only: untick Ben, then number the regional candidates.
    page.get_by_label("Ben Candidate").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Ben Candidate")).not_to_be_checked()
    page.keyboard.press("Tab")  # Ben's statement link
    page.keyboard.press("Tab")  # Cy
    page.keyboard.press("Tab")  # Cy's statement link
    page.keyboard.press("Tab")  # Di, still ticked
    expect(page.get_by_label("Di Candidate")).to_be_focused()
    page.keyboard.press("Tab")  # Di's statement link
    page.keyboard.press("Tab")
    expect(page.get_by_label("Eve Local")).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Tab")  # Eve's statement link
    page.keyboard.press("Tab")
    expect(page.get_by_label("Fay Local")).to_be_focused()
    page.keyboard.press("Tab")  # Fay left unranked; her statement link
    page.keyboard.press("Tab")
    expect(page.get_by_label("Gus Local")).to_be_focused()
    page.keyboard.type("1")
    page.keyboard.press("Tab")  # Gus's statement link
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Review my choices")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your choices", level=1)).to_be_visible()
    national = page.get_by_role("region", name="National")
    expect(national).to_contain_text("You voted for:")
    expect(national.get_by_role("listitem")).to_have_text(["Ada Candidate", "Di Candidate"])
    regional = page.get_by_role("region", name="Regional")
    expect(regional.get_by_role("listitem")).to_have_text(["Gus Local", "Eve Local"])
    assert_accessible(page)
    assert not SealedBallot.objects.exists()
    # Nothing of the vote is on the server: the browser holds the signed voting cookie, no session.
    cookies = ballot_cookies(page)
    assert "sessionid" not in cookies
    voting = cookies["hustings_voting"]
    assert (voting["path"], voting["httpOnly"], voting["sameSite"]) == ("/ballot/", True, "Lax")
    assert voting["expires"] == -1  # ends with the browser

    # A double click casts once and lands on the receipt.
    page.get_by_role("button", name="Cast my vote").dblclick()
    expect(page.get_by_role("heading", name="Your vote has been cast", level=1)).to_be_visible()
    tracker = page.locator(".tracker").inner_text()
    assert_accessible(page)
    credential = Credential.objects.get(voter__member=voter)
    assert credential.tracker == tracker
    (sealed,) = SealedBallot.objects.all()
    box = open_box(scene.election.pk, sealed.key_id, bytes(sealed.box))
    nat, reg = scene.national_candidates, scene.regional_candidates
    assert (box.channel, box.tracker) == ("online", tracker)
    assert box.rankings == {
        scene.national.pk: f"{nat[0].pk},{nat[3].pk}",
        scene.regional.pk: f"{reg[2].pk},{reg[0].pk}",
    }
    # Sealed: no ballot or tracker is readable until the count opens the box.
    assert not Ballot.objects.exists()
    assert not Tracker.objects.exists()
    cookies = ballot_cookies(page)
    assert "hustings_voting" not in cookies
    assert "sessionid" not in cookies
    assert cookies["hustings_receipt"]["httpOnly"]

    page.get_by_role("button", name="Email my tracker to me").click()
    expect(page.get_by_text("We are emailing your tracker")).to_be_visible()
    (emailed,) = [message for message in mail.outbox if "receipt" in message.subject]
    assert emailed.to == [voter.email]
    assert tracker in emailed.body

    # The link is spent: opening it again is refused, and offers this browser's receipt.
    page.goto(link)
    expect(page.get_by_role("heading", name="You have already voted", level=1)).to_be_visible()
    expect(page.get_by_text("Each member votes once")).to_be_visible()
    assert_accessible(page)
    assert SealedBallot.objects.count() == 1
    page.get_by_role("link", name="See the receipt for the ballot cast in this browser").click()
    expect(page.locator(".tracker")).to_have_text(tracker)

    # Once the count starts (after the close) the member finds their tracker on the public list.
    close_ballot(scene.election)
    do_start_count(factories.returning_officer(), scene.election, run_now=True)
    page.goto(reverse("ballots:trackers", args=[scene.election.slug]))
    page.get_by_label("Your tracker").fill(tracker.replace("-", "").lower())
    page.get_by_role("button", name="Find my tracker").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Tracker {tracker} is on the list of counted ballots"
    )
    assert_accessible(page)
    assert list(Tracker.objects.values_list("code", flat=True)) == [tracker]


def test_member_opens_the_ballot_by_typing_their_number_and_code(page: Page) -> None:
    scene = factories.BallotScene()
    voter = factories.make_member(scene.unit, name="Tom Pritchard", email="tom@example.org")
    issue(scene)
    code = ballot_link_for(voter.email).rstrip("/").rsplit("/", 1)[1]

    page.goto(reverse("ballots:vote"))
    expect(page.get_by_role("heading", name="Vote", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Membership number").fill(voter.membership_number)
    page.get_by_label("Voting code").fill("not my code")
    page.get_by_role("button", name="Open my ballot paper").click()
    expect(page.get_by_text("A voting code has 16 letters and numbers")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Voting code").fill(code.replace("-", " ").lower())
    page.get_by_role("button", name="Open my ballot paper").click()
    expect(page.get_by_role("heading", name="Your ballot paper", level=1)).to_be_visible()
    expect(page.get_by_text(voter.membership_number)).to_be_visible()

    # A single click: the cast answers with the receipt itself, at the cast's own address.
    page.get_by_role("button", name="Review my choices").click()
    expect(page.get_by_role("heading", name="Check your choices", level=1)).to_be_visible()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote has been cast", level=1)).to_be_visible()
    assert page.url.endswith(reverse("ballots:cast"))
    expect(page.locator(".tracker")).to_have_text(
        Credential.objects.get(voter__member=voter).tracker
    )
    expect(page.get_by_text("had already been cast")).to_have_count(0)
    assert_accessible(page)
    assert SealedBallot.objects.count() == 1
