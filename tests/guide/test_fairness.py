"""Fairness: every candidate's card has the same fields in the same order, whatever they published."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import confirm_ballot
from tests.guide.scene import build

pytestmark = pytest.mark.django_db


def cards(html: str) -> list[str]:
    """Return each guide card's HTML."""
    return re.findall(
        r'<li class="card guide-card">(.*?)</li>\s*(?=<li class="card guide-card">|</ul>)',
        html,
        re.S,
    )


def shape(card: str) -> tuple[object, ...]:
    """Return what a card shows, without what it says: its fields, their order, its parts."""
    return (
        tuple(re.findall(r"<dt>([^<]+)</dt>", card)),
        card.count('class="photo'),
        card.count("<h3 "),
        card.count('class="excerpt"'),
        card.count('class="guide-card-more"'),
        card.count('type="checkbox" name="c"'),
    )


@pytest.fixture
def varied():
    """The scene with candidates who published very different amounts."""
    scene = build()
    people = scene.people
    people["Zara Adams"].statement = ""
    people["Zara Adams"].why_standing = ""
    people["Zara Adams"].experience = []
    people["Zara Adams"].save()
    people["Adam Young"].statement = "word " * 300
    people["Adam Young"].photo.name = "photos/young.jpg"
    people["Adam Young"].save()
    return scene


def test_every_card_has_the_same_fields_and_parts(client: Client, varied) -> None:
    html = client.get(varied.url()).content.decode()

    found = cards(html)
    assert len(found) == 4
    shapes = {shape(card) for card in found}
    assert shapes == {(("Slate", "Local party", "Region", "Nominations"), 1, 1, 1, 1, 1)}
    # The one with nothing to say still gets its excerpt line, saying so.
    assert "No statement published." in html
    # The one with a photo and a long statement gets no more than the rest: one photo, 60 words.
    young = next(card for card in found if "Adam Young" in card)
    assert young.count("word") == 60


def test_every_card_shows_its_ballot_position_once_the_ballot_is_confirmed(
    client: Client, varied
) -> None:
    confirm_ballot(varied.contest, list(varied.people.values()))

    found = cards(client.get(varied.url()).content.decode())

    assert {shape(card)[0] for card in found} == {
        ("Ballot paper", "Slate", "Local party", "Region", "Nominations")
    }


def test_every_card_is_the_same_on_every_order_and_filter(client: Client, varied) -> None:
    for params in ({}, {"sort": "nominations"}, {"sort": "name"}, {"region": "north"}):
        found = cards(client.get(varied.url(**params)).content.decode())
        assert len({shape(card) for card in found}) == 1, params
