"""A member reads the voter guide: filters by region, compares three, reads where candidates come from.

axe-core checks the guide, the comparison, the representation view and a slate's page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.guide.scene import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cards(page: Page):
    return page.locator("li.guide-card h3")


def test_member_filters_the_guide_by_region_and_compares_three_candidates(page: Page) -> None:
    scene = build()
    page.goto(reverse("elections:contest", args=[scene.election.slug, scene.contest.slug]))
    page.get_by_role("link", name="Compare the candidates side by side in the voter guide").click()
    expect(
        page.get_by_role("heading", name="Voter guide: NEC CLP section", level=1)
    ).to_be_visible()
    expect(cards(page)).to_have_text(scene.by_surname())
    expect(page.get_by_text("In alphabetical order of surname.")).to_be_visible()
    assert_accessible(page)

    # With htmx the list follows the choice at once; the button does the same without script.
    page.get_by_label("Region").select_option(label="Wales")
    expect(cards(page)).to_have_text(["Beth Morgan", "Adam Young"])
    expect(page.get_by_text("Showing 2 of 4 candidates matching your filters.")).to_be_visible()
    assert "region=wales" in page.url
    page.get_by_role("button", name="Show candidates").click()
    expect(cards(page)).to_have_text(["Beth Morgan", "Adam Young"])
    assert_accessible(page)

    page.get_by_label("Region").select_option(label="All regions")
    expect(cards(page)).to_have_count(4)
    for name in ("Adam Young", "Zara Adams", "Chris Evans"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare", exact=True).click()

    expect(
        page.get_by_role("heading", name="Compare candidates in NEC CLP section", level=1)
    ).to_be_visible()
    headers = page.locator("table.compare thead th")
    expect(headers).to_have_count(3)
    expect(headers).to_contain_text(["Zara Adams", "Chris Evans", "Adam Young"])
    expect(page.get_by_role("rowheader", name="Why I am standing")).to_be_attached()
    assert_accessible(page)

    page.goto(scene.compare_url(scene.people["Adam Young"]))
    expect(page.get_by_role("heading", name="These candidates cannot be compared")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("guide:representation", args=[scene.election.slug]))
    expect(page.get_by_role("heading", name="Where the candidates come from")).to_be_visible()
    expect(page.get_by_role("img", name="Each region's share of members")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("candidates:slate", args=[scene.election.slug, "left"]))
    expect(page.get_by_text("The slate recommends:")).to_be_visible()
    assert_accessible(page)


def test_the_guide_works_without_javascript(browser, live_server) -> None:
    # axe runs as script, so it checks these same pages in the test above, not here.
    scene = build()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(scene.url())
        page.get_by_label("Region").select_option(label="North")
        page.get_by_label("Order").select_option(label="Most nominations first")
        page.get_by_role("button", name="Show candidates").click()
        expect(cards(page)).to_have_text(["Chris Evans", "Zara Adams"])
        expect(page.get_by_text("By unit nominations received, most first")).to_be_visible()
        page.get_by_label("Compare Chris Evans").check()
        page.get_by_role("button", name="Compare", exact=True).click()
        expect(page.get_by_text("you chose only one")).to_be_visible()
    finally:
        context.close()
