"""The contest guide: who is shown, filters, the reader's sorts, and a neutral default order."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hustings.guide.text import excerpt
from hustings.nominations.actions import do_close_nominations
from tests.factories import confirm_ballot, make_candidacy, make_contest, make_member
from tests.guide.scene import build, card_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build()


def test_the_default_order_is_alphabetical_by_surname_and_says_so(client: Client, scene) -> None:
    response = client.get(scene.url())

    assert response.status_code == 200
    html = response.content.decode()
    assert card_names(html) == scene.by_surname()
    assert "In alphabetical order of surname." in html


def test_the_default_order_is_the_ballot_paper_once_the_ballot_is_confirmed(
    client: Client, scene
) -> None:
    paper = ["Beth Morgan", "Zara Adams", "Adam Young", "Chris Evans"]
    confirm_ballot(scene.contest, [scene.people[name] for name in paper])

    html = client.get(scene.url()).content.decode()

    assert card_names(html) == paper
    assert "In ballot paper order, as confirmed by the returning officer" in html
    assert "Number 1 on the paper" in html


def test_only_candidates_on_the_confirmed_ballot_are_shown(client: Client, scene) -> None:
    confirm_ballot(scene.contest, [scene.people["Adam Young"], scene.people["Beth Morgan"]])

    assert card_names(client.get(scene.url()).content.decode()) == ["Adam Young", "Beth Morgan"]


def test_after_the_close_only_candidates_who_reached_the_threshold_are_shown(
    client: Client,
) -> None:
    scene = build(threshold_kind="units", threshold_units=2)
    do_close_nominations(None, scene.election, now=scene.election.nominations_close_at)

    html = client.get(scene.url()).content.decode()

    assert card_names(html) == ["Beth Morgan", "Adam Young"]
    assert "these candidates reached the threshold" in html


def test_withdrawn_candidates_and_other_contests_candidates_are_absent(
    client: Client, scene
) -> None:
    html = client.get(scene.url()).content.decode()

    assert "Dan Absent" not in html
    assert "Olive Other" not in html
    assert len(card_names(html)) == 4


def test_sorting_by_nominations_is_only_what_the_reader_chose(client: Client, scene) -> None:
    html = client.get(scene.url(sort="nominations")).content.decode()

    assert card_names(html) == ["Adam Young", "Beth Morgan", "Chris Evans", "Zara Adams"]
    assert "By unit nominations received, most first, as you chose" in html


def test_sorting_by_name_after_the_ballot_is_confirmed_uses_surnames(client: Client, scene) -> None:
    paper = ["Beth Morgan", "Zara Adams", "Adam Young", "Chris Evans"]
    confirm_ballot(scene.contest, [scene.people[name] for name in paper])

    html = client.get(scene.url(sort="name")).content.decode()

    assert card_names(html) == scene.by_surname()
    assert "In alphabetical order of surname, as you chose." in html


def test_nominations_received_are_shown_on_each_card(client: Client, scene) -> None:
    html = client.get(scene.url()).content.decode()

    for name, units in (
        ("Adam Young", 3),
        ("Beth Morgan", 2),
        ("Chris Evans", 1),
        ("Zara Adams", 0),
    ):
        card = html[html.index(f">{name}</a></h3>") :]
        card = card[: card.index("</li>")]
        assert re.search(rf"<dt>Nominations</dt><dd>{units} units?</dd>", card), name


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"slate": "left"}, ["Zara Adams", "Beth Morgan"]),
        ({"slate": "right"}, ["Chris Evans"]),
        ({"slate": "independent"}, ["Adam Young"]),
        ({"region": "wales"}, ["Beth Morgan", "Adam Young"]),
        ({"gender": "man"}, ["Chris Evans", "Adam Young"]),
        ({"gender": "non-binary"}, ["Beth Morgan"]),
        ({"region": "north", "slate": "left"}, ["Zara Adams"]),
        ({"region": "wales", "sort": "nominations"}, ["Adam Young", "Beth Morgan"]),
    ],
)
def test_filters_narrow_the_list(client: Client, scene, params, expected) -> None:
    response = client.get(scene.url(**params))

    assert response.status_code == 200
    html = response.content.decode()
    assert card_names(html) == expected
    assert f"Showing {len(expected)} of 4 candidates matching your filters." in html


def test_a_filter_nobody_matches_says_so(client: Client, scene) -> None:
    html = client.get(scene.url(gender="woman", region="wales")).content.decode()

    assert card_names(html) == []
    assert "No candidate matches these filters." in html


def test_an_unknown_filter_value_is_named_and_the_whole_list_shown(client: Client, scene) -> None:
    response = client.get(scene.url(region="atlantis", sort="height"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Some of your choices could not be used" in html
    assert "Region: Select a valid choice. atlantis is not one of the available choices." in html
    assert "Order: Select a valid choice." in html
    assert card_names(html) == scene.by_surname()


def test_the_statement_excerpt_stops_at_sixty_words_on_a_word_boundary(
    client: Client, scene
) -> None:
    words = [f"word{i}" for i in range(80)]
    candidacy = scene.people["Adam Young"]
    candidacy.statement = " ".join(words[:30]) + "\n\n" + " ".join(words[30:])
    candidacy.save()

    html = client.get(scene.url()).content.decode()

    assert " ".join(words[:60]) + "…" in html
    assert "word60" not in html


def test_excerpts_cut_only_when_there_is_more() -> None:
    assert excerpt("one  two\nthree", 3) == ("one two three", False)
    assert excerpt("one two three four", 3) == ("one two three…", True)
    with pytest.raises(ValueError, match="at least one word"):
        excerpt("text", 0)


def test_the_guide_takes_the_same_number_of_queries_for_many_candidates(
    client: Client, scene
) -> None:
    with CaptureQueriesContext(connection) as few:
        client.get(scene.url())
    for i in range(10):
        make_candidacy(scene.contest, make_member(scene.units["north"][3], name=f"Extra Person{i}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(scene.url())

    assert len(card_names(response.content.decode())) == 14
    assert len(many) == len(few)


def test_statements_are_escaped(client: Client, scene) -> None:
    candidacy = scene.people["Zara Adams"]
    candidacy.statement = '<script>alert(1)</script> <img src=x onerror="alert(2)">'
    candidacy.save()

    html = client.get(scene.url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_an_unknown_contest_is_not_found(client: Client, scene) -> None:
    url = reverse("guide:contest", args=[scene.election.slug, "no-such-contest"])
    assert client.get(url).status_code == 404


def test_the_index_links_every_contest_guide(client: Client, scene) -> None:
    html = client.get(reverse("guide:index")).content.decode()

    assert f'href="{scene.url()}"' in html
    assert reverse("guide:representation", args=[scene.election.slug]) in html


def test_the_election_contest_pages_and_header_link_to_the_guide(client: Client, scene) -> None:
    contest_page = client.get(
        reverse("elections:contest", args=[scene.election.slug, scene.contest.slug])
    ).content.decode()
    election_page = client.get(
        reverse("elections:election", args=[scene.election.slug])
    ).content.decode()

    assert f'href="{scene.url()}"' in contest_page
    assert reverse("guide:index") in election_page
    assert ">Voter guide</a>" in election_page


def test_candidates_who_state_no_gender_are_found_as_not_stated(client: Client, scene) -> None:
    make_candidacy(scene.contest, make_member(scene.units["wales"][3], name="Pat Quiet", gender=""))

    html = client.get(scene.url(gender="not-stated")).content.decode()

    assert card_names(html) == ["Pat Quiet"]


def test_a_contest_with_nobody_standing_says_so(client: Client, scene) -> None:
    empty = make_contest(scene.election, name="Treasurer", slug="treasurer")

    response = client.get(reverse("guide:contest", args=[scene.election.slug, empty.slug]))

    assert response.status_code == 200
    assert "Nobody is standing in this contest yet." in response.content.decode()
