"""Representation by region: the register's numbers against candidates and nominations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import days_ago, make_member, make_region
from tests.guide.scene import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """The guide scene, plus members who may not vote and a region with nobody in it.

    North: the four candidates' members (Adams, Evans, Absent, Other) and three more — one lapsed,
    one who joined after the freeze date, one eligible: 7 members, 5 eligible voters. Wales: the two
    candidates' members and one lapsed: 3 members, 2 eligible. Scotland: nobody.
    """
    s = build()
    north = s.units["north"][3]
    make_member(north, paid_until=days_ago(1))
    make_member(north, joined_on=s.election.voters_joined_by + timedelta(days=1))
    make_member(north)
    make_member(s.units["wales"][3], paid_until=days_ago(30))
    make_region(name="Scotland", code="scotland")
    return s


def table(html: str) -> dict[str, list[str]]:
    """Return the representation table's rows, keyed by their heading cell."""
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S)
    return {name: re.findall(r'<td class="number">([^<]+)</td>', cells) for name, cells in rows}


def url(scene, **params: str) -> str:
    base = reverse("guide:representation", args=[scene.election.slug])
    return base + "".join(f"?{key}={value}" for key, value in params.items())


def test_the_numbers_match_the_register_candidates_and_nominations(client: Client, scene) -> None:
    response = client.get(url(scene))

    assert response.status_code == 200
    rows = table(response.content.decode())
    # members, eligible, candidates (Olive Other stands in the other contest), nominations, shares
    assert rows["North"] == ["7", "5", "3", "1", "70.0%", "60.0%", "16.7%"]
    assert rows["Wales"] == ["3", "2", "2", "5", "30.0%", "40.0%", "83.3%"]
    assert rows["Scotland"] == ["0", "0", "0", "0", "0.0%", "0.0%", "0.0%"]
    assert rows["All regions"][:4] == ["10", "7", "5", "6"]


def test_one_contest_counts_only_its_candidates(client: Client, scene) -> None:
    rows = table(client.get(url(scene, contest="clp")).content.decode())

    assert rows["North"][:4] == ["7", "5", "2", "1"]
    assert rows["Wales"][:4] == ["3", "2", "2", "5"]


def test_an_unknown_contest_is_named_and_every_contest_shown(client: Client, scene) -> None:
    response = client.get(url(scene, contest="nope"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "NEC elections has no contest “nope”; showing every contest." in html
    assert table(html)["North"][2] == "3"


def test_the_chart_is_an_svg_image_with_a_title_and_a_description(client: Client, scene) -> None:
    html = client.get(url(scene)).content.decode()

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="representation-chart-title">' in svg
    assert "North: 70.0% of members, 60.0% of candidates, 16.7% of nominations." in svg
    assert "<script" not in svg


def test_the_view_runs_a_fixed_number_of_queries_however_many_members(
    client: Client, scene
) -> None:
    with CaptureQueriesContext(connection) as before:
        client.get(url(scene))
    for _ in range(20):
        make_member(scene.units["wales"][2])
    with CaptureQueriesContext(connection) as after:
        rows = table(client.get(url(scene)).content.decode())

    assert rows["Wales"][0] == "23"
    assert len(after) == len(before) <= 8
