"""The result charts and the sheet built from a stored result: pure functions, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from hustings.counting import Constraint, Profile, Rules, count
from hustings.results.charts import Line, VoteBar, block_chart, stages_chart
from hustings.results.views.present import (
    bars,
    representation_sentences,
    rule_words,
    sheet,
    stv_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in parse(svg).iter(f"{SVG}text")]


def block_result(min_women: int = 1) -> dict:
    """Ben 8, Cy 7, Ada 3, Di 3 for two seats; with a women's minimum Di replaces Cy."""
    profile = Profile.from_ballots(
        ["Ada", "Ben", "Cy", "Di"],
        [((1, 2), 5), ((0, 1), 3), ((2, 3), 2), ((3,), 1)],
        seats=2,
        title="National",
    )
    rules = Rules(
        method="block",
        constraints=(Constraint("gender", "woman", min_women),) if min_women else (),
        attributes={"Ada": {"gender": "woman"}, "Di": {"gender": "woman"}},
    )
    return count(profile, rules).to_dict()


def stv_result() -> dict:
    profile = Profile.from_ballots(
        ["Eve", "Fay", "Gus"],
        [((0, 1), 6), ((1, 0), 2), ((2, 1), 3), ((1,), 1)],
        seats=2,
        title="Regional",
    )
    return count(profile, Rules(method="scottish-stv")).to_dict()


def test_block_chart_is_well_formed_svg_with_a_title_and_a_description():
    svg = block_chart(
        [VoteBar("Ann", 10, True), VoteBar("Bob", 4, False)], title="Votes", ident="c1"
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Votes"
    assert "Ann: 10 votes, elected; Bob: 4 votes" in root.find(f"{SVG}desc").text


def test_block_chart_marks_the_winners_in_words_not_colour_alone():
    svg = block_chart(
        [VoteBar("Ann", 1200, True), VoteBar("Bob", 40, False)], title="Votes", ident="c1"
    )
    assert "1,200 ✓ elected" in texts(svg)
    assert "40" in texts(svg)
    assert "40 ✓ elected" not in texts(svg)


def test_block_chart_bars_are_proportional_to_the_votes():
    svg = block_chart(
        [VoteBar("Ann", 100, True), VoteBar("Bob", 50, False)], title="Votes", ident="c1"
    )
    widths = [int(rect.get("width")) for rect in parse(svg).iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert widths[0] > 0


def test_chart_text_is_escaped():
    svg = block_chart(
        [VoteBar('<script>alert("x")</script> & Co', 3, True)], title="A <b>", ident="c1"
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A <b>"


def test_chart_ident_must_be_safe_in_an_attribute():
    with pytest.raises(ValueError, match="chart ident"):
        block_chart([], title="t", ident='x" onload="y')


def test_stages_chart_draws_a_line_per_candidate_and_the_quota():
    svg = stages_chart(
        [
            Line("Eve", (Decimal(6), Decimal(6)), True),
            Line("Gus", (Decimal(3), Decimal(0)), False),
        ],
        stages=[1, 2],
        quotas=[Decimal("4.01"), Decimal("4.01")],
        title="Totals",
        ident="s1",
    )
    root = parse(svg)
    lines = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert lines == ["Eve (elected)", "Gus (not elected)"]
    quota = [p for p in root.iter(f"{SVG}polyline") if p.find(f"{SVG}title") is not None]
    assert quota[0].find(f"{SVG}title").text == "Quota"
    assert "The quota of 4.01 votes" in root.find(f"{SVG}desc").text
    assert "Elected: Eve." in root.find(f"{SVG}desc").text


def test_stages_chart_refuses_lines_of_the_wrong_length():
    with pytest.raises(ValueError, match="one value per stage"):
        stages_chart(
            [Line("Eve", (Decimal(1),), True)],
            stages=[1, 2],
            quotas=[None, None],
            title="t",
            ident="s1",
        )


def test_a_substitution_is_explained_in_words():
    sentences = representation_sentences(block_result())
    assert sentences == [
        "Di was elected in place of Cy, who had more votes, because at least 1 of the 2 seats "
        "must go to women."
    ]


def test_no_sentence_when_no_rule_changed_the_winners():
    assert representation_sentences(block_result(min_women=0)) == []


def test_rule_words_for_a_maximum_and_a_range():
    assert (
        rule_words({"attribute": "gender", "value": "man", "minimum": 0, "maximum": 3}, 6)
        == "no more than 3 of the 6 seats may go to men"
    )
    assert (
        rule_words({"attribute": "region", "value": "north", "minimum": 1, "maximum": 2}, 5)
        == "between 1 and 2 of the 5 seats must go to candidates whose region is north"
    )


def test_block_bars_come_from_the_stored_first_stage_most_votes_first():
    result = block_result()
    found = bars(result)
    totals = result["rounds"][0]["totals"]
    assert [bar.votes for bar in found] == sorted((int(v) for v in totals.values()), reverse=True)
    assert {bar.label for bar in found if bar.elected} == set(result["elected"])


def test_the_sheet_has_every_stored_total_and_marks_who_was_decided_where():
    result = stv_result()
    built = sheet(result, candidacy_ids=[11, 12, 13])
    assert [stage.number for stage in built.stages] == [s["number"] for s in result["rounds"]]
    for row in built.rows:
        assert [cell.total for cell in row.cells] == [
            s["totals"][row.name] for s in result["rounds"]
        ]
    assert {row.name: row.candidacy_id for row in built.rows} == {"Eve": 11, "Fay": 12, "Gus": 13}
    elected_marks = {row.name for row in built.rows for cell in row.cells if cell.mark == "elected"}
    assert elected_marks == set(result["elected"])
    labels = [row.name for row in built.summary]
    assert labels == ["Non-transferable", "Total", "Quota"]
    total_row = built.summary[1]
    assert Decimal(total_row.cells[0].total) == 12


def test_a_block_winner_who_gave_way_is_shown_as_replaced():
    built = sheet(block_result())
    assert {row.name: row.outcome for row in built.rows} == {
        "Ada": "not elected",
        "Ben": "elected",
        "Cy": "replaced",
        "Di": "elected",
    }


def test_the_stv_chart_carries_every_candidate_and_the_winners():
    result = stv_result()
    svg = stv_chart(result, ident="stv")
    root = parse(svg)
    titles = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert titles == [
        f"{name} ({'elected' if name in result['elected'] else 'not elected'})"
        for name in result["candidates"]
    ]


def test_an_stv_candidate_excluded_by_a_rule_is_explained_in_words():
    profile = Profile.from_ballots(
        ["Ann", "Bob", "Cy"], [((1,), 10), ((2,), 9), ((0,), 3)], seats=2, title="T"
    )
    rules = Rules(
        method="scottish-stv",
        constraints=(Constraint("gender", "woman", 1),),
        attributes={"Ann": {"gender": "woman"}},
    )
    result = count(profile, rules).to_dict()
    assert result["elected"] == ["Bob", "Ann"]
    assert representation_sentences(result) == [
        "Cy was excluded at stage 1, because electing them would have made it impossible to "
        "meet the rule that at least 1 of the 2 seats must go to women."
    ]
