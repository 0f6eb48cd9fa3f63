"""The returning officer reviews and publishes the count; the public reads the results; axe checks each."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.accounts.helpers import code_for
from tests.browser.axe import assert_accessible
from tests.factories import STAFF_PASSWORD, returning_officer
from tests.results.pages import counted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as_staff(page: Page, email: str, code: str) -> None:
    """Sign in through the staff form: password, then the authenticator's code."""
    page.goto(reverse("accounts:staff-sign-in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button").last.click()
    page.get_by_label("Code").first.fill(code)
    page.get_by_role("button").last.click()


def test_officer_reviews_and_publishes_then_the_results_pages_pass_axe(page: Page) -> None:
    done = counted()
    officer = returning_officer()
    sign_in_as_staff(page, officer.email, code_for(officer))

    page.goto(reverse("results:review", args=[done.slug]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Count and results")
    expect(page.get_by_text("Provisional result: count")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Publish the results…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the results")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the results now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Results: {done.scene.election.name}"
    )
    expect(page.get_by_text("The results are published.")).to_be_visible()
    assert_accessible(page)

    # Everyone else now sees them too, in a fresh browser context without a session.
    page.context.clear_cookies()
    page.goto(reverse("results:contest", args=[done.slug, done.scene.national.slug]))
    chart = page.get_by_role("img", name=re.compile(r"^Votes for each candidate: .*National"))
    expect(chart).to_be_visible()
    expect(page.get_by_text("Di Candidate was elected in place of Ben Candidate")).to_be_visible()
    table = page.get_by_role("table", name="Votes for each candidate, most first")
    expect(table.get_by_role("row", name="Cy Candidate 9 Elected")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("results:contest", args=[done.slug, done.scene.regional.slug]))
    stages = re.compile(r"^Votes for each candidate at each stage: .*Regional")
    expect(page.get_by_role("img", name=stages)).to_be_visible()
    expect(
        page.get_by_role("table", name="Each candidate's votes after every stage")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("results:sheet", args=[done.slug, done.scene.regional.slug]))
    expect(page.get_by_text("Returning officer", exact=True)).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto(reverse("results:verify", args=[done.slug, done.scene.national.slug]))
    expect(page.get_by_text(done.national.blt_sha256)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ballots (BLT)").click()
    assert download.value.suggested_filename.endswith(".blt")


def test_the_result_pages_pass_axe_on_a_wide_screen(browser, live_server) -> None:
    done = counted(publish=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    try:
        page = context.new_page()
        for url in (
            reverse("results:election", args=[done.slug]),
            reverse("results:contest", args=[done.slug, done.scene.national.slug]),
            reverse("results:contest", args=[done.slug, done.scene.regional.slug]),
            reverse("results:sheet", args=[done.slug, done.scene.national.slug]),
            reverse("results:verify", args=[done.slug, done.scene.regional.slug]),
            reverse("elections:election", args=[done.slug]),
        ):
            page.goto(url)
            assert_accessible(page)
    finally:
        context.close()
