"""A slate's page lists its candidates with its recommendation, labelled as the slate's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hustings.candidates.actions import do_withdraw_candidacy
from hustings.guide.recommend import listed, wording
from tests.factories import (
    confirm_ballot,
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    make_slate,
)

pytestmark = pytest.mark.django_db

SIX = ["Ann Hart", "Bob Cole", "Cat Diaz", "Dev Shah", "Eve Long", "Fin Ross"]


def test_wording_follows_the_counting_method() -> None:
    assert wording("scottish-stv", 6, SIX) == (
        "number our six 1–6: Ann Hart, Bob Cole, Cat Diaz, Dev Shah, Eve Long and Fin Ross."
    )
    assert wording("meek-stv", 6, SIX[:2]) == "number our two 1–2: Ann Hart and Bob Cole."
    assert wording("block", 6, SIX) == (
        "vote for our six: Ann Hart, Bob Cole, Cat Diaz, Dev Shah, Eve Long and Fin Ross."
    )
    assert wording("block", 2, SIX[:3]) == (
        "vote for two of our three: Ann Hart, Bob Cole and Cat Diaz."
    )
    assert wording("block", 3, SIX[:1]) == "vote for our candidate, Ann Hart."
    assert wording("ers97-stv", 3, SIX[:1]) == (
        "give our candidate, Ann Hart, your first preference (1)."
    )
    assert wording("scottish-stv", 12, SIX * 2).startswith("number our 12 1–12: ")
    with pytest.raises(ValueError, match="recommends nothing"):
        wording("block", 3, [])


def test_names_are_listed_in_english() -> None:
    assert listed([]) == ""
    assert listed(["A"]) == "A"
    assert listed(["A", "B"]) == "A and B"
    assert listed(["A", "B", "C"]) == "A, B and C"


@pytest.fixture
def slate_scene():
    """A slate with three confirmed candidates in an STV contest and two in a block contest."""
    election = make_election()
    stv = make_contest(election, name="CLP section", method="scottish-stv", seats=6)
    block = make_contest(election, name="Youth seat", method="block", seats=1)
    people = {
        name: make_candidacy(stv, make_member(name=name))
        for name in ("Tom Young", "Ann Hart", "Cat Diaz")
    }
    youth = [make_candidacy(block, make_member(name=name)) for name in ("Jo Bell", "Kim Amos")]
    slate = make_slate(election, *people.values(), *youth, name="Grassroots", slug="grassroots")
    return election, stv, block, slate, people, youth


def slate_page(client: Client, election, slate) -> str:
    response = client.get(reverse("candidates:slate", args=[election.slug, slate.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_slate_page_gives_the_recommendation_for_each_contest(
    client: Client, slate_scene
) -> None:
    election, _, _, slate, _, _ = slate_scene

    html = slate_page(client, election, slate)

    assert (
        "<strong>The slate recommends:</strong> number our three 1–3: "
        "Cat Diaz, Ann Hart and Tom Young." in html
    )
    assert (
        "<strong>The slate recommends:</strong> vote for one of our two: Kim Amos and Jo Bell."
        in html
    )
    assert "This is Grassroots's own recommendation, not advice from the returning officer." in (
        html
    )


def test_withdrawn_candidates_leave_the_recommendation(client: Client, slate_scene) -> None:
    election, _, _, slate, people, _ = slate_scene
    do_withdraw_candidacy(None, people["Ann Hart"])

    html = slate_page(client, election, slate)

    assert "number our two 1–2: Cat Diaz and Tom Young." in html


def test_once_the_ballot_is_confirmed_the_recommendation_follows_the_paper(
    client: Client, slate_scene
) -> None:
    election, stv, _, slate, people, _ = slate_scene
    outsider = make_candidacy(stv, make_member(name="Zed Other"))
    # Ann Hart did not reach the ballot; the paper's order is not alphabetical.
    confirm_ballot(stv, [people["Tom Young"], outsider, people["Cat Diaz"]])

    html = slate_page(client, election, slate)

    assert "number our two 1–2: Tom Young and Cat Diaz." in html
