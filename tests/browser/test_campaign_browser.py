"""A member uses the guide, supports a candidate with a quote and asks a question; it is answered.

axe-core checks every guide page visited, the candidate's page with its campaign sections, and
the support, question and answer forms.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from hustings.campaign import queries
from hustings.campaign.actions import (
    do_ask_question,
    do_moderate_quote,
    do_publish_report_back,
    do_support,
)
from hustings.campaign.models import Support
from hustings.elections.models import Phase
from tests import factories
from tests.accounts.helpers import code_for
from tests.browser.axe import assert_accessible
from tests.browser.test_walkthrough import sign_in_by_link
from tests.campaign.helpers import publish_winners
from tests.guide.scene import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_compares_supports_and_asks_and_the_candidate_answers(
    page: Page, browser, live_server
) -> None:
    scene = build()
    voter = factories.make_member(scene.units["wales"][1], with_user=True, name="Gwen Jones")
    sign_in_by_link(page, voter.email, check=False)

    page.goto(scene.url())
    expect(
        page.get_by_role("heading", name="Voter guide: NEC CLP section", level=1)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Region").select_option(label="Wales")
    page.get_by_role("button", name="Show candidates").click()
    expect(page.locator("li.guide-card h3")).to_have_text(["Beth Morgan", "Adam Young"])
    assert_accessible(page)

    page.get_by_label("Region").select_option(label="All regions")
    expect(page.locator("li.guide-card h3")).to_have_count(4)
    # htmx swaps the list in as the choice changes; tick boxes only once it has settled.
    page.wait_for_load_state("networkidle")
    for name in ("Adam Young", "Zara Adams", "Chris Evans"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("table.compare thead th")).to_have_count(3)
    assert_accessible(page)

    # Back in the guide, to one candidate's page, to support them with a quote.
    page.go_back()
    page.locator("li.guide-card").get_by_role("link", name="Chris Evans", exact=True).click()
    expect(page.get_by_role("heading", name="Chris Evans", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Support Chris Evans").click()
    assert_accessible(page)
    page.get_by_label("Why you support them (optional)").fill("Chris listens to Wales.")
    page.get_by_role("button", name="Add my support").click()
    expect(page.get_by_text("You now support Chris Evans.")).to_be_visible()
    supporters = page.locator("#supporters")
    expect(supporters).to_contain_text("Gwen Jones")
    # The quote waits for the returning officer.
    expect(supporters).not_to_contain_text("Chris listens to Wales.")
    assert_accessible(page)

    page.get_by_role("link", name="Ask Chris Evans a question").click()
    assert_accessible(page)
    page.get_by_label("Your question").fill("Will you visit Welsh units before the ballot?")
    page.get_by_role("button", name="Ask in public").click()
    expect(page.locator("#questions")).to_contain_text(
        "Will you visit Welsh units before the ballot?"
    )

    officer = factories.returning_officer()
    do_moderate_quote(officer, Support.objects.get(member=voter), approve=True)
    page.reload()
    expect(page.locator("#supporters")).to_contain_text("Chris listens to Wales.")

    # The candidate signs in, in a browser of their own, and answers.
    mail.outbox.clear()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    candidate_page = context.new_page()
    try:
        candidate = scene.people["Chris Evans"].member
        sign_in_by_link(candidate_page, candidate.email, check=False)
        candidate_page.goto(f"/candidates/{scene.people['Chris Evans'].pk}/")
        candidate_page.get_by_role("link", name="Answer this question").click()
        assert_accessible(candidate_page)
        candidate_page.get_by_label("Your answer").fill("Yes: Cardiff, Swansea and Wrexham.")
        candidate_page.get_by_role("button", name="Publish my answer").click()
        expect(candidate_page.locator("#questions")).to_contain_text(
            "Yes: Cardiff, Swansea and Wrexham."
        )
    finally:
        context.close()

    page.reload()
    expect(page.locator("#questions")).to_contain_text("Yes: Cardiff, Swansea and Wrexham.")
    assert_accessible(page)


def sign_in_as_staff(page: Page, user) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the staff form: password, then the authenticator's code."""
    page.goto(reverse("accounts:staff-sign-in"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.STAFF_PASSWORD)
    page.get_by_role("button").last.click()
    page.get_by_label("Code").first.fill(code_for(user))
    page.get_by_role("button").last.click()


def test_staff_and_candidates_campaign_pages_pass_axe(page: Page, browser, live_server) -> None:
    scene = build()
    chris = scene.people["Chris Evans"]
    supporter = factories.make_member(scene.units["north"][1], with_user=True, name="Nia Hughes")
    support = do_support(None, supporter, chris, quote="Chris gets things done.")
    question = do_ask_question(None, supporter, chris, "What about the rural bus routes?")

    officer = factories.returning_officer()
    sign_in_as_staff(page, officer)
    page.goto(reverse("campaign:questionnaires"))
    assert_accessible(page)
    page.get_by_role("link", name=f"Register a questionnaire for {scene.election.name}").click()
    page.get_by_label("Group").fill("Women's Network")
    page.get_by_label("Title").fill("Equality questions")
    page.get_by_label("Deadline for answers").fill(
        timezone.localtime(timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("NEC CLP section").check()
    page.locator("#id_question_1").fill("How will you support women candidates?")
    assert_accessible(page)
    page.get_by_role("button", name="Register the questionnaire").click()
    expect(page.get_by_text("The questionnaire is registered")).to_be_visible()

    page.goto(reverse("campaign:moderation"))
    assert_accessible(page)
    page.get_by_role("button", name="Approve quote from Nia Hughes").click()
    expect(page.get_by_text("Quote from Nia Hughes approved.")).to_be_visible()
    page.get_by_role("link", name="Hide question from Nia Hughes").click()
    assert_accessible(page)
    page.get_by_label("Reason for hiding").fill("Off topic")
    page.get_by_role("button", name="Hide the question").click()
    expect(page.get_by_text("The question is hidden.")).to_be_visible()
    assert Support.objects.get(pk=support.pk).quote_shown
    assert queries.questions_for(chris).filter(pk=question.pk).count() == 0

    context = browser.new_context(base_url=live_server.url)
    candidate_page = context.new_page()
    try:
        sign_in_by_link(candidate_page, chris.member.email, check=False)
        candidate_page.goto(reverse("candidates:candidate", args=[chris.pk]))
        candidate_page.get_by_role("link", name="Answer this questionnaire").click()
        assert_accessible(candidate_page)
        candidate_page.get_by_label("1. How will you support women candidates?").fill(
            "With mentoring and childcare."
        )
        candidate_page.get_by_role("button", name="Save my answers").click()
        expect(candidate_page.locator("#questionnaires")).to_contain_text(
            "With mentoring and childcare."
        )
        candidate_page.get_by_role("link", name="Post a campaign update").click()
        assert_accessible(candidate_page)
        candidate_page.get_by_label("Title").fill("Thank you, Wales")
        candidate_page.get_by_label("Update").fill("A **great** meeting in Cardiff.")
        candidate_page.get_by_role("button", name="Publish").click()
        expect(candidate_page.locator("#updates strong")).to_have_text("great")
        expect(candidate_page.locator("#supporters")).to_contain_text("Chris gets things done.")
        expect(candidate_page.locator("#questions")).not_to_contain_text("rural bus routes")
        assert_accessible(candidate_page)
    finally:
        context.close()


def test_a_representatives_report_backs_and_following_pass_axe(page: Page) -> None:
    contest = factories.make_contest(factories.make_election(Phase.RESULTS))
    winner = factories.make_candidacy(
        contest, factories.make_member(with_user=True, name="Zara Adams")
    )
    publish_winners(contest.election, winner)
    do_publish_report_back(
        None,
        winner,
        title="First NEC meeting",
        meeting_date=timezone.localdate(),
        body="We agreed the *timetable*.",
    )
    follower = factories.make_member(with_user=True, name="Ivy Reed")
    sign_in_by_link(page, follower.email, check=False)

    page.goto(reverse("candidates:candidate", args=[winner.pk]))
    expect(page.locator("#report-backs")).to_contain_text("First NEC meeting")
    page.get_by_role("link", name="All report-backs, following and the feed").click()
    assert_accessible(page)
    page.get_by_role("button", name="Follow: email me each new report").click()
    expect(page.get_by_text("You will be emailed Zara Adams's report-backs.")).to_be_visible()
    assert_accessible(page)
