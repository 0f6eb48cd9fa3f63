"""A member and a candidate walk through the site in a real browser; axe checks every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import data
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/accounts/sign-in/link/[\w-]+/")


def sign_in_by_link(page: Page, email: str, *, check: bool = True) -> None:
    """Ask for a link, read it from the outbox, and use it; axe checks each page if asked."""
    page.goto(reverse("accounts:sign-in"))
    if check:
        assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    if check:
        assert_accessible(page)
    (link,) = LINK.findall(mail.outbox[-1].body)
    page.goto(link)
    if check:
        assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


def test_member_signs_in_and_browses_election_contest_and_candidate(page: Page) -> None:
    demo = data.build()
    page.goto("/")
    assert_accessible(page)
    sign_in_by_link(page, demo.member.email)
    assert_accessible(page)
    expect(page.get_by_text("Manchester Withington")).to_be_visible()

    page.get_by_role("link", name="Elections", exact=True).click()
    page.get_by_role("link", name=demo.election.name).click()
    expect(page.get_by_role("heading", name=demo.election.name, level=1)).to_be_visible()
    current = page.locator('.timetable li[aria-current="step"]')
    expect(current).to_contain_text("Nominations open")
    assert_accessible(page)

    page.get_by_role("link", name="NEC CLP section").click()
    expect(page.get_by_role("heading", name="NEC CLP section", level=1)).to_be_visible()
    expect(page.get_by_text("Aisha Rahman")).to_be_visible()
    expect(page.get_by_role("link", name="Stand in this contest")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Aisha Rahman").click()
    expect(page.get_by_role("heading", name="Aisha Rahman", level=1)).to_be_visible()
    expect(page.get_by_text("I have organised in my branch")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Grassroots Left").click()
    expect(page.get_by_role("heading", name="Grassroots Left", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Tom Pritchard")).to_be_visible()
    expect(page.get_by_role("link", name="Morag Campbell")).to_have_count(0)
    assert_accessible(page)

    page.goto(reverse("elections:contest", args=[demo.election.slug, demo.regional.slug]))
    assert_accessible(page)


def test_candidate_edits_their_statement_with_a_live_word_count(page: Page) -> None:
    demo = data.build()
    sign_in_by_link(page, demo.candidate.email)
    page.get_by_role("link", name="Edit your statement").click()
    expect(page.get_by_role("heading", name="Edit your candidacy")).to_be_visible()
    assert_accessible(page)

    statement = page.get_by_label("Statement")
    count = page.locator("#statement-word-count")
    statement.fill("word " * 55)
    expect(count).to_have_text(re.compile(r"55 of 50 words: too many"))
    statement.fill("Members first, always: I will report back after every meeting.")
    expect(count).to_have_text("10 of 50 words")
    assert_accessible(page)

    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("heading", name="Aisha Rahman", level=1)).to_be_visible()
    expect(page.get_by_text("Your changes are saved and published.")).to_be_visible()
    expect(page.get_by_text("Members first, always")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("elections:contest", args=[demo.election.slug, demo.national.slug]))
    expect(page.get_by_text("Members first, always")).to_be_visible()


def test_statement_limit_holds_without_javascript(browser, live_server, settings) -> None:
    settings.HUSTINGS_BASE_URL = live_server.url
    demo = data.build()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        # axe is JavaScript, so it cannot run here; the other tests check these pages.
        sign_in_by_link(page, demo.candidate.email, check=False)
        page.goto(reverse("candidates:edit", args=[demo.candidacies[0].pk]))
        page.get_by_label("Statement").fill("word " * 51)
        page.get_by_role("button", name="Save and publish").click()
        expect(page.locator("#statement-word-count")).to_contain_text("51 of 50 words")
        expect(page.get_by_text("Please remove 1")).to_be_visible()
        page.get_by_label("Statement").fill("Short and sweet.")
        page.get_by_role("button", name="Save and publish").click()
        expect(page.get_by_text("Short and sweet.")).to_be_visible()
    finally:
        context.close()


def test_public_and_error_pages_have_no_accessibility_violations(page: Page) -> None:
    demo = data.build()
    urls = [
        reverse("elections:home"),
        reverse("elections:election", args=[demo.election.slug]),
        reverse("elections:contest", args=[demo.election.slug, demo.national.slug]),
        reverse("elections:contest", args=[demo.election.slug, demo.regional.slug]),
        reverse("candidates:candidate", args=[demo.candidacies[2].pk]),
        reverse("candidates:slate", args=[demo.election.slug, demo.slate.slug]),
        reverse("accounts:sign-in"),
        reverse("accounts:staff-sign-in"),
        "/no-such-page/",
        reverse("candidates:edit", args=[demo.candidacies[0].pk]),
    ]
    for url in urls:
        page.goto(url)
        assert_accessible(page)
