"""Casual vacancies: each method fills the seat within the representation rules, as an amendment."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hustings.count_command import run
from hustings.results.actions import do_publish_results, do_start_count
from hustings.results.files import file_names, recount_arguments
from hustings.results.models import CountKind, Publication, PublicationKind
from hustings.results.queries import contest_history, elected_candidacies, published_result
from hustings.results.vacancy import do_record_vacancy
from tests.factories import (
    confirm_ballot,
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    observer,
    returning_officer,
)
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db

METHODS = ["block", "scottish-stv", "ers97-stv", "meek-stv"]
EXPECTED = {
    "block": {"Max", "Wendy", "Mo"},
    "scottish-stv": {"Wendy", "Mo", "Mark"},
    "ers97-stv": {"Wendy", "Mo", "Mark"},
    "meek-stv": {"Wendy", "Mo", "Max"},
}


def published_contest(method: str):  # type: ignore[no-untyped-def]
    """Publish a 3-seat contest with at least one woman; return it and the candidacies by name.

    First preferences: Wendy 10 (each ballot then Max), Mo 9, Mark 8, Max 7, Win 3 (37 ballots).
    Block vote: Max 17, Wendy 10, Mo 9 win; Mark 8 is next. Scottish and ERS97 STV (quota 10):
    Wendy is elected on the first stage with no surplus, then Win and Max are excluded: Wendy,
    Mo, Mark win. Meek: the quota falls as Win's ballots exhaust (34 / 4 = 8.5), so Wendy's
    surplus of 1.5 lifts Max to 8.5, above Mark: Wendy, Mo, Max win.
    """
    election = make_election("ballot")
    contest = make_contest(election, seats=3, method=method, min_women=1, name="Committee")
    people = {}
    for name, gender in (
        ("Wendy", "woman"),
        ("Mo", "man"),
        ("Mark", "man"),
        ("Max", "man"),
        ("Win", "woman"),
    ):
        people[name] = make_candidacy(contest, make_member(name=name, gender=gender))
    confirm_ballot(contest, list(people.values()))
    ids = {name: c.pk for name, c in people.items()}
    cast(election, {contest: [ids["Wendy"], ids["Max"]]}, times=10)
    cast(election, {contest: [ids["Mo"]]}, times=9)
    cast(election, {contest: [ids["Mark"]]}, times=8)
    cast(election, {contest: [ids["Max"]]}, times=7)
    cast(election, {contest: [ids["Win"]]}, times=3)
    close_ballot(election)
    officer = returning_officer()
    count = do_start_count(officer, election)
    do_publish_results(officer, count)
    return contest, people, officer


@pytest.mark.parametrize("method", METHODS)
def test_a_woman_lower_down_fills_a_woman_s_seat_when_the_next_by_votes_is_a_man(
    method: str, tmp_path: Path
) -> None:
    contest, people, officer = published_contest(method)
    original = published_result(contest)
    assert original is not None
    names = {c.pk: name for name, c in people.items()}
    winners = {names[pk] for pk in original.elected_ids}
    assert winners == EXPECTED[method]

    vacancy = do_record_vacancy(officer, contest, people["Wendy"], "Resigned on 1 March.")

    # Without the women's minimum the next would be a man: Mark (block and Meek, 8 votes) or
    # Max (Scottish and ERS97 STV, with Wendy's second preferences); with it, only Win can fill
    # a woman's place.
    assert vacancy.filled_by == people["Win"]
    standing = published_result(contest)
    assert standing is not None
    assert standing == vacancy.result
    assert {names[pk] for pk in standing.elected_ids} == winners - {"Wendy"} | {"Win"}
    assert standing.result["withdrawn"] == ["Wendy"]
    passed_over = "Max" if method in ("scottish-stv", "ers97-stv") else "Mark"
    assert any(
        passed_over in stage["doomed"]
        or (stage["action"] == "substitution" and passed_over in stage["subjects"])
        for stage in standing.result["rounds"]
    )
    assert standing.count.kind == CountKind.VACANCY
    assert set(elected_candidacies(contest.election)) == {
        people[name] for name in winners - {"Wendy"} | {"Win"}
    }
    history = contest_history(contest)
    assert history is not None
    assert [p.kind for p, _ in history] == [PublicationKind.ORIGINAL, PublicationKind.AMENDMENT]
    assert history[0][1] == original
    assert "Win fills the seat" in history[1][0].note

    # The amendment is verifiable like the original: the CLI recounts it to the same bytes.
    files = file_names(standing)
    (tmp_path / files["blt"]).write_text(standing.blt, encoding="utf-8")
    (tmp_path / files["attributes"]).write_text(standing.attributes, encoding="utf-8")
    args = [
        str(tmp_path / a) if a in (files["blt"], files["attributes"]) else a
        for a in recount_arguments(standing)
    ]
    assert "sitting=yes:2" in args
    out = tmp_path / "out.json"
    assert run([*args, "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == standing.result_json


def test_a_second_vacancy_keeps_the_first_successor_and_withdraws_both_who_left() -> None:
    contest, people, officer = published_contest("scottish-stv")
    do_record_vacancy(officer, contest, people["Wendy"], "Resigned.")
    vacancy = do_record_vacancy(officer, contest, people["Mo"], "Resigned too.")
    # Win holds the women's place; Max (7 first preferences + Wendy's 10) is next.
    assert vacancy.filled_by == people["Max"]
    assert vacancy.result is not None
    assert sorted(vacancy.result.result["withdrawn"]) == ["Mo", "Wendy"]
    assert Publication.objects.filter(kind=PublicationKind.AMENDMENT).count() == 2


def test_a_vacancy_nobody_can_fill_is_recorded_unfilled() -> None:
    contest, people, officer = published_contest("block")
    do_record_vacancy(officer, contest, people["Wendy"], "Resigned.")
    # Win now holds the only women's place; when she leaves no woman is left to fill it.
    vacancy = do_record_vacancy(officer, contest, people["Win"], "Resigned.")
    assert vacancy.filled_by is None
    assert vacancy.result is None
    assert people["Win"] not in elected_candidacies(contest.election)


def test_only_a_sitting_member_can_stand_down_and_only_the_returning_officer_records_it() -> None:
    contest, people, officer = published_contest("block")
    with pytest.raises(ValidationError, match="does not hold a seat"):
        do_record_vacancy(officer, contest, people["Win"], "Resigned.")
    with pytest.raises(ValidationError, match="Say why"):
        do_record_vacancy(officer, contest, people["Mo"], "  ")
    with pytest.raises(PermissionDenied):
        do_record_vacancy(observer(), contest, people["Mo"], "Resigned.")


def test_a_vacancy_before_publication_is_refused() -> None:
    election = make_election("count")
    contest = make_contest(election, seats=1, method="block")
    candidacy = make_candidacy(contest)
    with pytest.raises(ValidationError, match="after the results are published"):
        do_record_vacancy(returning_officer(), contest, candidacy, "Resigned.")
