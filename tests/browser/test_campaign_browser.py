"""A member uses the guide, supports a candidate with a quote and asks a question; it is answered.

axe-core checks every guide page visited, the candidate's page with its campaign sections, and
the support, question and answer forms.
"""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from hustings.campaign.actions import do_moderate_quote
from hustings.campaign.models import Support
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.test_walkthrough import sign_in_by_link
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
