"""Reports of a count: the text sheet, the HTML page, the CSV table and the JSON document."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hustings.counting import Constraint, CountResult, Rules, Stage, TieBreak, count
from hustings.counting.io.blt import parse_blt, read_blt
from hustings.counting.report import (
    REPORT_FORMATS,
    csv_report,
    html_report,
    json_report,
    render,
    text_report,
)

ANN = "Ann Abbott"
BOB = '<b>Bob</b> & "Co"'
SUM = "=SUM(A1:A9)"
DEE = "Dee Dawson"


def D(text: str) -> Decimal:
    return Decimal(text)


def small_result() -> CountResult:
    """Return a hand-made two-stage STV count: 100 valid ballots, 2 seats, quota 34.

    Stage 1: Ann 60, Bob 25, SUM 15; Ann is elected. Stage 2: Ann's surplus of 26 moves 20 to Bob,
    4.50 to SUM and 1.50 is non-transferable; Bob reaches 45 and is elected. Dee withdrew.
    """
    first = Stage(
        number=1,
        action="first-preferences",
        subjects=(),
        totals={ANN: D("60.00"), BOB: D("25.00"), SUM: D("15.00")},
        non_transferable=D("0.00"),
        elected=(ANN,),
        quota=D("34.00"),
        note="First preferences of 100 valid ballots; Ann Abbott is elected.",
    )
    second = Stage(
        number=2,
        action="surplus",
        subjects=(ANN,),
        totals={ANN: D("34.00"), BOB: D("45.00"), SUM: D("19.50")},
        non_transferable=D("1.50"),
        transfers={ANN: D("-26.00"), BOB: D("20.00"), SUM: D("4.50"), "": D("1.50")},
        elected=(BOB,),
        quota=D("34.00"),
        note='Surplus of Ann Abbott; <b>Bob</b> & "Co" reaches the quota.',
    )
    return CountResult(
        method="scottish-stv",
        rule_version="SSI 2007/42 rules 45-52",
        title="NEC <2026> & co",
        seats=2,
        candidates=(ANN, BOB, SUM, DEE),
        withdrawn=(DEE,),
        valid=100,
        invalid=3,
        quota=D("34.00"),
        elected=(ANN, BOB),
        stages=(first, second),
        tie_breaks=(
            TieBreak(
                stage=2,
                purpose="whom to exclude",
                candidates=(BOB, SUM),
                chosen=SUM,
                by="lot",
            ),
        ),
        seed=424242,
        constraints=(Constraint("gender", "woman", minimum=1),),
        attributes={ANN: {"gender": "woman"}},
        places=2,
    )


# --- text -------------------------------------------------------------------------------------


def test_the_text_sheet_gives_the_particulars_of_the_count() -> None:
    text = text_report(small_result())
    assert text.startswith("Count sheet: NEC <2026> & co\n")
    for line in [
        "Method:                    scottish-stv (SSI 2007/42 rules 45-52)",
        "Seats:                     2",
        "Valid ballots:             100",
        "Invalid ballots:           3",
        "Quota:                     34.00",
        f"Withdrawn:                 {DEE}",
        "Representation rules:      at least 1 with gender=woman",
        "Seed for decisions by lot: 424242",
    ]:
        assert line in text.splitlines()


def test_the_text_sheet_has_a_row_per_candidate_with_transfers_and_totals() -> None:
    lines = text_report(small_result()).splitlines()
    row = {line.split("  ")[0]: line for line in lines if line.startswith((ANN, BOB, SUM))}
    assert re.fullmatch(rf"{re.escape(ANN)}\s+60\.00 E\s+-26\.00\s+34\.00", row[ANN])
    assert re.fullmatch(rf"{re.escape(BOB)}\s+25\.00\s+\+20\.00\s+45\.00 E", row[BOB])
    assert re.fullmatch(rf"{re.escape(SUM)}\s+15\.00\s+\+4\.50\s+19\.50", row[SUM])
    nt = next(line for line in lines if line.startswith("Non-transferable"))
    assert re.fullmatch(r"Non-transferable\s+0\.00\s+\+1\.50\s+1\.50", nt)
    total = next(line for line in lines if line.startswith("Total "))
    assert re.fullmatch(r"Total\s+100\.00\s+100\.00", total)
    assert not any(line.startswith(DEE) for line in lines), "a withdrawn candidate has no row"


def test_the_text_sheet_lists_stages_ties_the_result_and_a_signature_line() -> None:
    text = text_report(small_result())
    assert "1. First preferences.\n   First preferences of 100 valid ballots" in text
    assert "2. Surplus of Ann Abbott.\n" in text
    assert f"- Stage 2, whom to exclude: {BOB}, {SUM} were tied; {SUM} was chosen by lot." in text
    assert "drawn from the seed 424242" in text
    assert f"  1. {ANN} (stage 1)\n  2. {BOB} (stage 2)" in text
    assert "Returning officer: ____" in text
    assert "Date: ____" in text


def test_a_long_count_is_split_into_blocks_of_stages_that_fit_the_width(
    shared_data: Path,
) -> None:
    profile = read_blt(shared_data / "scotland" / "glasgow-2007" / "Calton-2007.blt")
    result = count(profile, Rules(method="scottish-stv"))
    text = text_report(result, width=100)
    sheet = text[: text.index("\nStages\n")]
    assert max(len(line) for line in sheet.splitlines()) <= 100
    for stage in result.stages:
        assert f"Stage {stage.number}" in sheet
    # Every total of every stage appears in the sheet exactly as the result holds it.
    for stage in result.stages:
        for value in stage.totals.values():
            assert format(value, "f") in sheet


# --- html -------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Collects every start tag with its attributes, and checks that tags nest properly."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    assert tags.stack == [], f"unclosed tags: {tags.stack}"
    return tags


def test_the_html_page_is_one_self_contained_file() -> None:
    page = html_report(small_result())
    tags = parsed(page)
    names = [tag for tag, _ in tags.tags]
    assert page.startswith("<!DOCTYPE html>")
    assert "script" not in names
    assert "link" not in names
    assert "img" not in names
    assert "iframe" not in names
    for _, attrs in tags.tags:
        for key, value in attrs.items():
            assert key not in {"src", "srcset"}
            if key == "href":
                assert value is not None
                assert value.startswith("#"), value
    assert "url(" not in page
    assert "@import" not in page
    assert "http://" not in page
    assert "https://" not in page
    assert ("meta", {"charset": "utf-8"}) in tags.tags


def test_every_name_and_note_is_escaped() -> None:
    page = html_report(small_result())
    assert "<b>Bob</b>" not in page
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; &quot;Co&quot;" in page
    assert "NEC &lt;2026&gt; &amp; co" in page
    assert "".join(parsed(page).text).count(BOB) >= 4  # table, chart, legend, result, notes


def test_the_html_table_holds_every_figure_of_the_sheet() -> None:
    page = html_report(small_result())
    for figure in ["60.00", "25.00", "15.00", "-26.00", "+20.00", "+4.50", "45.00", "19.50"]:
        assert f">{figure}<" in page, figure
    assert '<th scope="row">Non-transferable</th>' in page
    assert '<th scope="row">Quota</th>' in page
    assert page.count('<span class="badge">elected</span>') == 2


def test_the_chart_is_accessible_and_draws_a_line_per_candidate_and_the_quota() -> None:
    page = html_report(small_result())
    tags = parsed(page)
    svg = next(attrs for tag, attrs in tags.tags if tag == "svg" and attrs.get("role") == "img")
    assert svg["aria-labelledby"] == "chart-title chart-desc"
    assert '<title id="chart-title">' in page
    assert '<desc id="chart-desc">' in page
    assert ">Stage</text>" in page
    assert ">Votes</text>" in page
    polylines = [attrs for tag, attrs in tags.tags if tag == "polyline"]
    assert len(polylines) == 3 + 1  # three standing candidates and the quota
    # Two stages, so each candidate's line has two points.
    for line in polylines:
        assert len((line["points"] or "").split()) == 2


def test_a_single_stage_count_still_draws_its_chart() -> None:
    profile = parse_blt("3 1\n5 1 0\n3 2 0\n1 3 0\n0\nA\nB\nC\nT\n")
    page = html_report(count(profile, Rules(method="block")))
    tags = parsed(page)
    assert sum(1 for tag, _ in tags.tags if tag == "polyline") == 3
    assert "Non-transferable" not in page  # a block vote moves no votes


# --- csv --------------------------------------------------------------------------------------


def test_the_csv_sheet_has_a_row_per_candidate_and_non_transferable() -> None:
    rows = list(csv.reader(io.StringIO(csv_report(small_result()))))
    assert rows == [
        ["candidate", "stage 1", "stage 2", "result"],
        [ANN, "60.00", "34.00", "elected"],
        [BOB, "25.00", "45.00", "elected"],
        ["'" + SUM, "15.00", "19.50", "not elected"],
        ["non-transferable", "0.00", "1.50", ""],
    ]


# --- json -------------------------------------------------------------------------------------


def test_the_json_document_has_the_required_fields_with_decimal_strings() -> None:
    data = json.loads(json_report(small_result()))
    assert data["method"] == "scottish-stv"
    assert data["seats"] == 2
    assert data["quota"] == "34.00"
    assert data["elected"] == [ANN, BOB]
    assert [r["action"] for r in data["rounds"]] == ["first-preferences", "surplus"]
    assert data["rounds"][0]["totals"] == {ANN: "60.00", BOB: "25.00", SUM: "15.00"}
    assert data["rounds"][1]["non_transferable"] == "1.50"


def test_json_decimals_are_never_in_exponent_notation() -> None:
    result = small_result()
    zero = Stage(
        number=1,
        action="first-preferences",
        subjects=(),
        totals={ANN: Decimal(0).scaleb(-9)},
        non_transferable=Decimal(0).scaleb(-9),
        quota=Decimal(1).scaleb(-9),
    )
    text = json_report(
        CountResult(**{**result.__dict__, "stages": (zero,), "quota": Decimal(0).scaleb(-9)})
    )
    assert "E-" not in text
    assert json.loads(text)["rounds"][0]["totals"][ANN] == "0.000000000"


# --- every format, on real counts -------------------------------------------------------------


@pytest.mark.parametrize("method", ["scottish-stv", "ers97-stv", "meek-stv", "block"])
@pytest.mark.parametrize("report_format", REPORT_FORMATS)
def test_every_method_renders_in_every_format(
    shared_data: Path, method: str, report_format: str
) -> None:
    profile = read_blt(shared_data / "scotland" / "2022" / "moray_2022_ward6.blt")
    result = count(profile, Rules(method=method))  # type: ignore[arg-type]
    output = render(result, report_format)  # type: ignore[arg-type]
    if report_format == "text":
        for place, name in enumerate(result.elected, start=1):
            assert f"  {place}. {name} (stage " in output
    elif report_format == "json":
        assert json.loads(output)["elected"] == list(result.elected)
    elif report_format == "html":
        text = "".join(parsed(output).text)
        for name in result.elected:
            assert name in text
    else:
        rows = list(csv.reader(io.StringIO(output)))
        assert len(rows) == 1 + len(result.candidates) + 1
        assert rows[-1][0] == "non-transferable"
        for row, name in zip(rows[1:-1], result.candidates, strict=True):
            assert row[0] == name
            assert row[1:-1] == [format(stage.totals[name], "f") for stage in result.stages]
            assert (row[-1] == "elected") == (name in result.elected)


def test_an_unknown_report_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(small_result(), "pdf")  # type: ignore[arg-type]
