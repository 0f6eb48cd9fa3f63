"""The public tally, its CSV, a unit's page and the ballot list: visible to all, and exact."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hustings.candidates.actions import do_withdraw_candidacy
from hustings.elections.models import Phase
from hustings.nominations.actions import (
    do_close_nominations,
    do_confirm_ballot,
    do_record_unit_nominations,
)
from hustings.nominations.views import safe_cell
from tests import factories
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def tally_url(contest) -> str:
    return reverse("nominations:tally", args=[contest.election.slug, contest.slug])


def csv_url(contest) -> str:
    return reverse("nominations:tally-csv", args=[contest.election.slug, contest.slug])


def record(unit, contest, candidacies) -> None:
    do_record_unit_nominations(None, unit, contest, candidacies, meeting=meeting())


def nominated_scenario():
    """Candidate 0: four units in three regions; candidate 1: two units; the rest none."""
    s = scenario(threshold_units=3)
    c0, c1 = s.candidates[0], s.candidates[1]
    record(s.units[0][0], s.contest, [c0, c1])
    record(s.units[1][0], s.contest, [c0, c1])
    record(s.units[1][1], s.contest, [c0])
    record(s.units[2][0], s.contest, [c0])
    return s


def table_rows(html: str, caption: str) -> list[list[str]]:
    """Return the text of each body row of the table with this caption."""
    table = html[html.index(caption) :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_public_tally_shows_counts_threshold_status_chart_and_slate_to_anyone() -> None:
    s = nominated_scenario()
    c0, c1 = s.candidates[0], s.candidates[1]
    factories.make_slate(s.election, c1, name="Grassroots Left")
    response = Client().get(tally_url(s.contest))
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html, "Unit nominations for each candidate")
    assert rows[0][:3] == [c0.member.name, "none", "4"]
    assert rows[0][3].startswith("Reached")
    assert "4 units; 3 needed" in rows[0][3]
    assert rows[1][:3] == [c1.member.name, "Grassroots Left", "2"]
    assert "only 2 of 3 units" in rows[1][3]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart"' in html
    assert '<title id="tally-chart-title">Unit nominations per candidate</title>' in html
    assert 'hx-trigger="every 30s"' in html


def test_tally_breaks_nominations_down_by_region() -> None:
    s = nominated_scenario()
    html = Client().get(tally_url(s.contest)).content.decode()
    rows = table_rows(html, "region by region")
    # Regions are columns in name order: East, North, West.
    assert rows[0] == [s.candidates[0].member.name, "2", "1", "1"]
    assert rows[1] == [s.candidates[1].member.name, "1", "1", "0"]


def test_tally_lists_which_units_nominated_whom() -> None:
    s = nominated_scenario()
    html = Client().get(tally_url(s.contest)).content.decode()
    rows = table_rows(html, "current nominations, by region")
    by_unit = {row[0]: row[2] for row in rows}
    c0, c1 = s.candidates[0].member.name, s.candidates[1].member.name
    assert by_unit[s.units[0][0].name] == f"{c0}, {c1}"
    assert by_unit[s.units[2][0].name] == c0
    assert reverse("nominations:unit", args=[s.units[2][0].pk]) in html


def test_a_correction_changes_the_public_tally() -> None:
    s = nominated_scenario()
    record(s.units[2][0], s.contest, [s.candidates[1]])
    rows = table_rows(Client().get(tally_url(s.contest)).content.decode(), "Unit nominations")
    counts = {row[0]: row[2] for row in rows}
    assert counts[s.candidates[0].member.name] == "3"
    assert counts[s.candidates[1].member.name] == "3"


def test_csv_holds_the_tally_with_regions() -> None:
    s = nominated_scenario()
    response = Client().get(csv_url(s.contest))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "candidate",
        "slate",
        "unit_nominations",
        "affiliate_nominations",
        "status",
        "reason",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[s.candidates[0].member.name][2:5] == ["4", "0", "threshold met"]
    assert by_name[s.candidates[1].member.name][2] == "2"


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    s = scenario()
    sneaky = factories.make_member(
        s.units[0][0], name='=HYPERLINK("http://evil.example","x")', with_user=True
    )
    factories.make_candidacy(s.contest, sneaky)
    factories.make_slate(s.election, s.candidates[0], name="@SUM(A1:A9)", slug="at-sum")
    rows = list(csv.reader(io.StringIO(Client().get(csv_url(s.contest)).content.decode())))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'@SUM(A1:A9)" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Aisha Rahman", "Aisha Rahman"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_prefixes_formula_starts_only(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


def test_unit_page_lists_its_nominations_for_anyone() -> None:
    s = nominated_scenario()
    unit = s.units[0][0]
    response = Client().get(reverse("nominations:unit", args=[unit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert s.contest.name in html
    assert s.candidates[0].member.name in html
    assert s.candidates[1].member.name in html
    assert s.candidates[2].member.name not in html
    assert "General committee" in html


def test_unknown_contest_or_unit_is_not_found() -> None:
    s = scenario()
    assert (
        Client().get(reverse("nominations:tally", args=[s.election.slug, "nope"])).status_code
        == 404
    )
    assert Client().get(reverse("nominations:unit", args=[999999])).status_code == 404


def test_after_the_close_the_tally_shows_final_statuses_and_then_the_ballot() -> None:
    s = nominated_scenario()
    s.election.nominations_close_at = timezone.now() - timedelta(seconds=1)
    s.election.save(update_fields=["nominations_close_at"])
    officer = factories.returning_officer()
    do_close_nominations(officer, s.election)
    html = Client().get(tally_url(s.contest)).content.decode()
    assert "Final nominations" in html
    assert "yet to confirm the ballot" in html
    assert "every 30s" not in html
    rows = table_rows(html, "Unit nominations for each candidate")
    assert rows[1][3].startswith("Not reached")
    do_confirm_ballot(officer, s.contest)
    html = Client().get(tally_url(s.contest)).content.decode()
    ballot = html[
        html.index('<ol class="ballot-list">') : html.index("</ol>", html.index("ballot-list"))
    ]
    assert s.candidates[0].member.name in ballot
    assert s.candidates[1].member.name not in ballot


def test_contest_page_links_to_its_tally() -> None:
    s = scenario(phase=Phase.NOMINATIONS)
    html = Client().get(reverse("elections:contest", args=[s.election.slug, s.contest.slug]))
    assert tally_url(s.contest) in html.content.decode()


def test_election_page_links_to_each_contests_tally() -> None:
    s = scenario()
    html = Client().get(reverse("elections:election", args=[s.election.slug])).content.decode()
    assert tally_url(s.contest) in html


def test_a_withdrawn_candidates_nominations_are_marked_and_not_counted() -> None:
    s = nominated_scenario()
    gone = s.candidates[1]
    do_withdraw_candidacy(gone.member.user, gone)
    html = Client().get(tally_url(s.contest)).content.decode()
    assert f"{gone.member.name} (withdrawn)" in html
    names = [row[0] for row in table_rows(html, "Unit nominations for each candidate")]
    assert gone.member.name not in names
    unit_html = Client().get(reverse("nominations:unit", args=[s.units[0][0].pk])).content.decode()
    assert "withdrawn, so it does not count" in unit_html


def test_the_tally_takes_the_same_number_of_queries_however_many_units_nominate() -> None:
    s = nominated_scenario()
    client = Client()
    client.get(tally_url(s.contest))  # warm any per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(tally_url(s.contest))
    for region in s.regions:
        for i in range(4):
            unit = factories.make_unit(region, name=f"{region.name} extra {i}")
            record(unit, s.contest, s.candidates[2:5])
    with CaptureQueriesContext(connection) as many:
        client.get(tally_url(s.contest))
    assert len(many) == len(few)
