"""Comparing two to four candidates of one contest, topic by topic."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hustings.campaign.actions import do_answer_questionnaire, do_register_questionnaire
from tests.factories import confirm_ballot, make_candidacy, returning_officer
from tests.guide.scene import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build()


def column_names(html: str) -> list[str]:
    """Return the candidates heading the comparison's columns, in order."""
    head = html[html.index("<thead>") : html.index("</thead>")]
    return re.findall(r'<th scope="col">.*?<a [^>]*>([^<]+)</a>', head, re.S)


def row_cells(html: str, topic: str) -> list[str]:
    """Return the text of each cell in the row headed by this topic."""
    row = html[html.index(f"{topic}</th>") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_three_candidates_are_compared_in_columns_in_surname_order(client: Client, scene) -> None:
    people = scene.people
    people["Adam Young"].why_standing = "Because the party needs young voices."
    people["Adam Young"].experience = ["Councillor", "Union rep"]
    people["Adam Young"].save()
    people["Beth Morgan"].priorities = []
    people["Beth Morgan"].save()

    response = client.get(
        scene.compare_url(people["Adam Young"], people["Zara Adams"], people["Beth Morgan"])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert column_names(html) == ["Zara Adams", "Beth Morgan", "Adam Young"]
    assert "whatever order you chose them in" in html
    assert row_cells(html, "Statement") == [
        "Zara Adams will put members first.",
        "Beth Morgan will put members first.",
        "Adam Young will put members first.",
    ]
    assert row_cells(html, "Why I am standing")[2] == "Because the party needs young voices."
    assert row_cells(html, "Experience")[2] == "Councillor Union rep"
    assert row_cells(html, "Priorities")[1] == "Nothing published"
    assert row_cells(html, "Slate") == ["Members Left", "Members Left", "Independent"]
    assert row_cells(html, "Nominations") == ["0 units", "2 units", "3 units"]
    # Each cell names its candidate, for the stacked layout on narrow screens.
    assert 'data-label="Adam Young"' in html


def test_columns_follow_the_ballot_paper_once_it_is_confirmed(client: Client, scene) -> None:
    paper = ["Beth Morgan", "Zara Adams", "Adam Young", "Chris Evans"]
    confirm_ballot(scene.contest, [scene.people[name] for name in paper])

    html = client.get(
        scene.compare_url(*(scene.people[name] for name in reversed(paper)))
    ).content.decode()

    assert column_names(html) == paper


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "Choose at least 2 candidates to compare; you chose none."),
        (1, "Choose at least 2 candidates to compare; you chose only one."),
    ],
)
def test_fewer_than_two_are_refused_with_a_clear_message(
    client: Client, scene, count, message
) -> None:
    chosen = list(scene.people.values())[:count]
    response = client.get(scene.compare_url(*chosen))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_more_than_four_are_refused(client: Client, scene) -> None:
    fifth = make_candidacy(scene.contest)
    response = client.get(scene.compare_url(*scene.people.values(), fifth))

    assert response.status_code == 400
    assert "Choose at most 4 candidates to compare at once; you chose 5." in (
        response.content.decode()
    )


def test_the_same_candidate_twice_counts_once(client: Client, scene) -> None:
    adams = scene.people["Zara Adams"]
    response = client.get(scene.compare_url(adams, adams))

    assert response.status_code == 400
    assert "you chose only one" in response.content.decode()


def test_a_candidate_from_another_contest_is_refused(client: Client, scene) -> None:
    response = client.get(scene.compare_url(scene.people["Zara Adams"], scene.other))

    assert response.status_code == 400
    html = response.content.decode()
    assert f"Candidate number {scene.other.pk} is not a candidate in NEC CLP section" in html
    assert "Olive Other" not in html


def test_a_withdrawn_candidate_cannot_be_compared(client: Client, scene) -> None:
    response = client.get(scene.compare_url(scene.people["Zara Adams"], scene.withdrawn))

    assert response.status_code == 400
    assert "Dan Absent" not in response.content.decode()


def test_a_value_that_is_not_a_number_is_named(client: Client, scene) -> None:
    response = client.get(scene.compare_url(scene.people["Zara Adams"], "<b>x</b>"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "“&lt;b&gt;x&lt;/b&gt;” is not a candidate number." in html


def test_the_guide_offers_a_compare_checkbox_on_every_card(client: Client, scene) -> None:
    html = client.get(scene.url()).content.decode()

    for candidacy in scene.people.values():
        assert f'name="c" value="{candidacy.pk}"' in html
    assert f'action="{scene.compare_url()[:-1]}"' in html


def test_questionnaire_answers_are_compared_question_by_question(client: Client, scene) -> None:
    questionnaire = do_register_questionnaire(
        returning_officer(),
        scene.election,
        group_name="Women's Network",
        title="Ten questions",
        deadline=timezone.now() + timedelta(days=5),
        contests=[scene.contest],
        questions=[("Will you back all-women shortlists?", 500), ("Childcare at meetings?", 300)],
    )
    first, second = questionnaire.questions.order_by("position")
    young, adams = scene.people["Adam Young"], scene.people["Zara Adams"]
    do_answer_questionnaire(young.member.user, young, questionnaire, {first.pk: "Yes, always."})
    do_answer_questionnaire(
        adams.member.user,
        adams,
        questionnaire,
        {first.pk: "<script>alert(1)</script>No.", second.pk: "Yes."},
    )

    html = client.get(scene.compare_url(young, adams)).content.decode()

    assert "Women&#x27;s Network: Ten questions" in html
    assert row_cells(html, "Will you back all-women shortlists?") == [
        "&lt;script&gt;alert(1)&lt;/script&gt;No.",
        "Yes, always.",
    ]
    assert row_cells(html, "Childcare at meetings?") == ["Yes.", "No answer"]
    assert "<script>alert(1)" not in html
