"""The public pages: election home, contest, candidate and slate, readable by anyone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.elections.models import Phase
from tests import factories

pytestmark = pytest.mark.django_db


def election_url(election) -> str:
    return reverse("elections:election", args=[election.slug])


def contest_url(contest) -> str:
    return reverse("elections:contest", args=[contest.election.slug, contest.slug])


def text_of(response) -> str:
    """Return the page's text with tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_home_lists_every_election_with_its_phase(client: Client) -> None:
    first = factories.make_election(Phase.NOMINATIONS, name="NEC elections 2026")
    second = factories.make_election(Phase.SCHEDULED, name="NEC elections 2028")
    page = text_of(client.get(reverse("elections:home")))
    assert first.name in page
    assert second.name in page
    assert "Nominations open" in page
    assert "Not yet open" in page


def test_home_says_when_there_are_no_elections(client: Client) -> None:
    assert "There are no elections yet." in text_of(client.get(reverse("elections:home")))


@pytest.mark.parametrize(
    ("phase", "current_row"),
    [
        (Phase.DECLARATIONS, "Declarations open"),
        (Phase.NOMINATIONS, "Nominations open"),
        (Phase.BALLOT_PENDING, "Nominations close"),
        (Phase.BALLOT, "Ballot opens"),
        (Phase.COUNT, "Ballot closes"),
        (Phase.RESULTS, "Results published"),
    ],
)
def test_election_page_marks_the_current_stage_of_the_timetable(
    client: Client, phase: Phase, current_row: str
) -> None:
    election = factories.make_election(phase)
    html = client.get(election_url(election)).content.decode()
    current = re.findall(r'<li aria-current="step">\s*([^<]+?)\s*<', html)
    assert current == [current_row]
    assert phase.label in html


def test_election_page_marks_no_stage_before_declarations_open(client: Client) -> None:
    election = factories.make_election(Phase.SCHEDULED)
    html = client.get(election_url(election)).content.decode()
    assert 'aria-current="step"' not in html
    assert "Not yet open" in html


def test_timetable_is_shown_in_uk_time(client: Client) -> None:
    # 09:00 UTC in July is 10:00 BST; 09:00 UTC in January is 09:00 GMT.
    summer = datetime(2031, 7, 1, 9, 0, tzinfo=UTC)
    winter = datetime(2032, 1, 6, 9, 0, tzinfo=UTC)
    election = factories.make_election(
        declarations_open_at=summer - timedelta(days=20),
        nominations_open_at=summer - timedelta(days=10),
        nominations_close_at=summer,
        ballot_open_at=winter,
        ballot_close_at=winter + timedelta(days=14),
    )
    page = text_of(client.get(election_url(election)))
    assert "Tuesday 1 July 2031, 10:00 BST" in page
    assert "Tuesday 6 January 2032, 09:00 GMT" in page


def test_election_page_lists_contests_with_standing_candidates_counted(client: Client) -> None:
    election = factories.make_election()
    region = factories.make_region(name="North West")
    national = factories.make_contest(election, name="NEC CLP section", seats=6)
    regional = factories.make_contest(election, region=region, name="NPF North West", seats=5)
    factories.make_candidacy(national)
    factories.make_candidacy(national)
    factories.make_candidacy(national, withdrawn_at=timezone.now())
    page = text_of(client.get(election_url(election)))
    assert "NEC CLP section" in page
    assert "6 seats · all members · 2 candidates" in page
    assert "5 seats · members in North West · 0 candidates" in page
    assert page.index(national.name) < page.index(regional.name)


def test_election_page_explains_how_to_stand_and_how_to_vote(client: Client) -> None:
    election = factories.make_election(candidate_min_membership_days=365)
    page = text_of(client.get(election_url(election)))
    assert "How to stand" in page
    assert "at least 365 days" in page
    assert "How to vote" in page
    assert f"joined on or before {election.voters_joined_by:%-d %B %Y}" in page


def test_contest_page_shows_candidates_with_unit_region_slate_and_excerpt(client: Client) -> None:
    region = factories.make_region(name="Wales")
    unit = factories.make_unit(region, name="Cardiff Central")
    contest = factories.make_contest(min_women=1, statement_word_limit=300)
    statement = " ".join(f"word{n}" for n in range(100))
    on_slate = factories.make_candidacy(
        contest, factories.make_member(unit, name="Alys Jones"), statement=statement
    )
    independent = factories.make_candidacy(contest)
    factories.make_slate(contest.election, on_slate, name="Grassroots Together")
    page = text_of(client.get(contest_url(contest)))
    assert "Alys Jones" in page
    assert "Cardiff Central, Wales · Grassroots Together" in page
    assert f"{independent.member.name}" in page
    assert "Independent" in page
    assert "word39 …" in page
    assert "word40" not in page
    assert "Of those elected, at least 1 woman" in page


def test_contest_page_leaves_out_withdrawn_and_removed_candidates(client: Client) -> None:
    contest = factories.make_contest()
    withdrawn = factories.make_candidacy(contest, withdrawn_at=timezone.now())
    removed = factories.make_candidacy(
        contest, removed_at=timezone.now(), removal_reason="Not a member"
    )
    page = text_of(client.get(contest_url(contest)))
    assert withdrawn.member.name not in page
    assert removed.member.name not in page
    assert "Nobody has declared yet." in page


def test_contest_page_for_another_election_is_not_found(client: Client) -> None:
    contest = factories.make_contest()
    other = factories.make_election()
    url = reverse("elections:contest", args=[other.slug, contest.slug])
    assert client.get(url).status_code == 404


def test_candidate_page_shows_everything_the_candidate_published(client: Client) -> None:
    candidacy = factories.make_candidacy(
        statement="First paragraph.\n\nSecond paragraph.",
        why_standing="Because members deserve a voice.",
        experience=["Branch secretary 2019–2024", "Councillor"],
        priorities=["Housing", "Local democracy"],
        links=[
            {"label": "My website", "url": "https://example.org/me"},
            {"label": "Sneaky", "url": "javascript:alert(1)"},
        ],
    )
    slate = factories.make_slate(candidacy.contest.election, candidacy, name="Members First")
    response = client.get(reverse("candidates:candidate", args=[candidacy.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>First paragraph.</p>" in html
    assert "<p>Second paragraph.</p>" in html
    page = text_of(response)
    for text in ("Because members deserve a voice.", "Councillor", "Housing", "Members First"):
        assert text in page
    assert 'href="https://example.org/me"' in html
    assert "javascript:" not in html
    assert reverse("candidates:slate", args=[slate.election.slug, slate.slug]) in html


def test_candidate_page_escapes_what_candidates_write(client: Client) -> None:
    candidacy = factories.make_candidacy(statement="<script>alert('x')</script> Vote for me")
    html = client.get(reverse("candidates:candidate", args=[candidacy.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_withdrawn_candidate_page_says_so_and_shows_nothing_else(client: Client) -> None:
    candidacy = factories.make_candidacy(statement="Secret plans", withdrawn_at=timezone.now())
    response = client.get(reverse("candidates:candidate", args=[candidacy.pk]))
    assert response.status_code == 410
    assert "has withdrawn" in text_of(response)
    assert "Secret plans" not in text_of(response)


def test_removed_candidate_page_is_not_found(client: Client) -> None:
    candidacy = factories.make_candidacy(removed_at=timezone.now(), removal_reason="Ineligible")
    assert client.get(reverse("candidates:candidate", args=[candidacy.pk])).status_code == 404


def test_slate_page_lists_only_confirmed_standing_candidates(client: Client) -> None:
    election = factories.make_election()
    contest = factories.make_contest(election)
    confirmed = factories.make_candidacy(contest)
    slate = factories.make_slate(
        election, confirmed, name="Unity", description="We stand together."
    )
    unconfirmed = factories.make_candidacy(contest)
    slate.memberships.create(candidacy=unconfirmed, proposed_at=timezone.now())
    page = text_of(client.get(reverse("candidates:slate", args=[election.slug, slate.slug])))
    assert "Unity" in page
    assert "We stand together." in page
    assert confirmed.member.name in page
    assert unconfirmed.member.name not in page


def test_unknown_slate_is_not_found(client: Client) -> None:
    election = factories.make_election()
    assert client.get(reverse("candidates:slate", args=[election.slug, "nope"])).status_code == 404


def test_public_pages_need_no_javascript_and_carry_a_strict_csp(client: Client) -> None:
    candidacy = factories.make_candidacy()
    slate = factories.make_slate(candidacy.contest.election, candidacy)
    election = candidacy.contest.election
    for url in (
        reverse("elections:home"),
        election_url(election),
        contest_url(candidacy.contest),
        reverse("candidates:candidate", args=[candidacy.pk]),
        reverse("candidates:slate", args=[election.slug, slate.slug]),
        reverse("accounts:sign-in"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script" not in response.content.decode(), url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp


def test_pages_render_the_same_number_of_queries_however_many_candidates(
    client: Client, django_assert_max_num_queries
) -> None:
    contest = factories.make_contest()
    slate = factories.make_slate(contest.election)
    for _ in range(3):
        factories.make_candidacy(contest)
    with django_assert_max_num_queries(12):
        client.get(contest_url(contest))
    for _ in range(20):
        candidacy = factories.make_candidacy(contest)
        slate.memberships.create(
            candidacy=candidacy, proposed_at=timezone.now(), confirmed_at=timezone.now()
        )
    with django_assert_max_num_queries(12):
        client.get(contest_url(contest))
    with django_assert_max_num_queries(12):
        client.get(reverse("candidates:slate", args=[contest.election.slug, slate.slug]))


@pytest.mark.parametrize(
    ("minimum", "maximum", "value", "words"),
    [
        (3, None, "woman", "at least 3 women"),
        (1, None, "woman", "at least 1 woman"),
        (0, 4, "man", "at most 4 men"),
        (1, 2, "non-binary", "at least 1 and at most 2 non-binary members"),
    ],
)
def test_representation_rules_read_as_plain_words(minimum, maximum, value, words) -> None:
    from hustings.elections.models import RepresentationRule
    from hustings.elections.templatetags.election_tags import describe_rule

    rule = RepresentationRule(attribute="gender", value=value, minimum=minimum, maximum=maximum)
    assert describe_rule(rule) == words
