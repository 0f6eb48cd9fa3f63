"""A unit secretary nominates six, is refused a seventh, corrects one; the public tally follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from hustings.elections.models import Phase
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.test_walkthrough import sign_in_by_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = (
    "Aisha Rahman",
    "Tom Pritchard",
    "Morag Campbell",
    "Dev Patel",
    "Siân Evans",
    "Kwame Mensah",
    "Lucy Hart",
)


def build():
    """Create a contest taking six nominations per unit, seven candidates and a unit secretary."""
    north_west = factories.make_region(name="North West", code="north-west")
    wales = factories.make_region(name="Wales", code="wales")
    home = factories.make_unit(wales, name="Cardiff Central")
    election = factories.make_election(
        Phase.NOMINATIONS, name="NEC and NPF elections 2026", slug="nec-2026"
    )
    contest = factories.make_contest(
        election,
        name="NEC CLP section",
        slug="nec-clp",
        seats=6,
        method="block",
        max_nominations_per_unit=6,
        threshold_kind="units",
        threshold_units=2,
    )
    candidacies = [
        factories.make_candidacy(contest, factories.make_member(home, with_user=True, name=name))
        for name in NAMES
    ]
    unit = factories.make_unit(north_west, name="Manchester Withington")
    secretary = factories.make_member(
        unit, with_user=True, name="Priya Shah", email="priya@example.org"
    )
    factories.make_unit_secretary(unit, secretary)
    return contest, candidacies


def tally_row(page: Page, name: str):
    return page.locator("table.tally").first.get_by_role("row", name=name)


def test_secretary_nominates_six_is_refused_a_seventh_corrects_one_and_the_tally_follows(
    page: Page,
) -> None:
    contest, _ = build()
    sign_in_by_link(page, "priya@example.org", check=False)
    page.get_by_role("link", name="Record your unit's nominations").click()
    expect(page.get_by_role("heading", name="Your units' nominations")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="NEC CLP section").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Manchester Withington")
    assert_accessible(page)

    for name in NAMES[:6]:
        page.get_by_label(f"{name} (Cardiff Central)").check()
    page.get_by_label("Date of the meeting").fill(
        (timezone.localdate() - timedelta(days=2)).isoformat()
    )
    page.get_by_label("General committee").check()
    page.get_by_label("Members attending").fill("38")
    page.get_by_role("button", name="Record the nominations").click()
    expect(
        page.get_by_text("Manchester Withington's nominations in NEC CLP section are saved.")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Lucy Hart (Cardiff Central)").check()
    page.get_by_role("button", name="Save the corrected nominations").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(
        "A unit may nominate at most 6 candidates in this contest; 7 were given."
    )
    assert_accessible(page)

    page.get_by_label("Tom Pritchard (Cardiff Central)").uncheck()
    page.get_by_role("button", name="Save the corrected nominations").click()
    expect(page.get_by_text("are saved.")).to_be_visible()
    expect(page.get_by_label("Lucy Hart (Cardiff Central)")).to_be_checked()
    expect(page.get_by_label("Tom Pritchard (Cardiff Central)")).not_to_be_checked()

    page.get_by_role("link", name="See the public tally").click()
    expect(page.get_by_role("heading", name="Nominations in NEC CLP section")).to_be_visible()
    expect(tally_row(page, "Lucy Hart")).to_contain_text("1")
    expect(tally_row(page, "Tom Pritchard")).to_contain_text("0")
    expect(tally_row(page, "Tom Pritchard")).to_contain_text("only 0 of 2 units")
    expect(page.locator("svg.bar-chart")).to_be_visible()
    assert_accessible(page)

    page.goto(
        reverse(
            "nominations:unit",
            args=[contest.nomination_returns.get(superseded_at__isnull=True).unit_id],
        )
    )
    expect(page.get_by_text("Lucy Hart")).to_be_visible()
    assert_accessible(page)


def test_candidate_answers_a_nomination_and_the_closed_tally_and_ballot_pass_axe(
    page: Page,
) -> None:
    from hustings.nominations.actions import (
        Meeting,
        do_close_nominations,
        do_confirm_ballot,
        do_record_unit_nominations,
    )

    contest, candidacies = build()
    unit = factories.make_unit(name="Leeds Central")
    meeting = Meeting(timezone.localdate() - timedelta(days=1), "all-member", 120)
    do_record_unit_nominations(None, unit, contest, candidacies[:3], meeting=meeting)
    aisha = candidacies[0].member
    aisha.email = "aisha@example.org"
    aisha.save(update_fields=["email"])
    aisha.user.email = "aisha@example.org"
    aisha.user.save(update_fields=["email"])

    sign_in_by_link(page, "aisha@example.org", check=False)
    page.get_by_role("link", name="Your nominations in NEC CLP section").click()
    expect(page.get_by_role("row", name="Leeds Central")).to_contain_text("Not yet answered")
    assert_accessible(page)
    page.get_by_role("button", name="Decline the nomination from Leeds Central").click()
    expect(page.get_by_text("You have declined Leeds Central's nomination.")).to_be_visible()
    expect(page.get_by_role("row", name="Leeds Central")).to_contain_text("Declined")
    assert_accessible(page)

    election = contest.election
    election.nominations_close_at = timezone.now() - timedelta(seconds=1)
    election.save(update_fields=["nominations_close_at"])
    officer = factories.returning_officer()
    do_close_nominations(officer, election)
    page.goto(reverse("nominations:tally", args=[election.slug, contest.slug]))
    expect(page.get_by_role("heading", name="Final nominations")).to_be_visible()
    assert_accessible(page)
    do_confirm_ballot(officer, contest)
    page.reload()
    expect(page.get_by_role("heading", name="The ballot")).to_be_visible()
    assert_accessible(page)


def test_the_open_tally_refreshes_itself_every_thirty_seconds(page: Page) -> None:
    from hustings.nominations.actions import Meeting, do_record_unit_nominations

    contest, candidacies = build()
    page.clock.install()
    page.goto(reverse("nominations:tally", args=[contest.election.slug, contest.slug]))
    expect(tally_row(page, "Lucy Hart")).to_contain_text("only 0 of 2 units")
    meeting = Meeting(timezone.localdate() - timedelta(days=1), "general-committee", 30)
    unit = factories.make_unit(name="Leeds Central")
    do_record_unit_nominations(None, unit, contest, [candidacies[-1]], meeting=meeting)
    page.clock.fast_forward("00:31")
    expect(tally_row(page, "Lucy Hart")).to_contain_text("only 1 of 2 units")
    expect(page.get_by_role("row", name="Leeds Central")).to_be_visible()
    assert_accessible(page)
