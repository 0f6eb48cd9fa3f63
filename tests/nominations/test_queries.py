"""The tally queries the public pages render: counts, regions, who nominated whom, CSV."""

from __future__ import annotations

import pytest

from hustings.nominations.actions import (
    do_close_nominations,
    do_record_unit_nominations,
    do_respond_to_nomination,
)
from hustings.nominations.queries import (
    candidate_nominations,
    contest_tally,
    nominating_units,
    region_breakdown,
    tally_csv_rows,
    unit_returns,
)
from tests.factories import make_slate
from tests.nominations.scenario import meeting, scenario

pytestmark = pytest.mark.django_db


def nominate(s, unit, candidacies):
    return do_record_unit_nominations(None, unit, s.contest, candidacies, meeting=meeting())


@pytest.fixture
def tallied():
    """Candidate 0: four units in two regions; candidate 1: one unit, declined once; others none."""
    s = scenario(threshold_units=3)
    a, b = s.candidates[0], s.candidates[1]
    nominate(s, s.units[1][0], [a, b])
    nominate(s, s.units[1][1], [a])
    nominate(s, s.units[2][0], [a])
    declined = nominate(s, s.units[2][1], [a, b]).nominations.get(candidacy=b)
    do_respond_to_nomination(None, declined, accept=False)
    return s


def test_the_tally_puts_the_most_nominated_first_with_live_status(tallied):
    s = tallied
    lines = contest_tally(s.contest)
    assert [(line.candidacy, line.units) for line in lines[:2]] == [
        (s.candidates[0], 4),
        (s.candidates[1], 1),
    ]
    assert lines[0].status.reason == "4 units; 3 needed"
    assert not lines[0].closed
    assert [line.units for line in lines[2:]] == [0] * (len(s.candidates) - 2)
    # Candidates with no nominations are listed by name.
    assert [line.name for line in lines[2:]] == sorted(line.name for line in lines[2:])


def test_the_region_breakdown_counts_units_per_region(tallied):
    s = tallied
    breakdown = region_breakdown(s.contest)
    east, west = s.regions[1].pk, s.regions[2].pk
    assert breakdown[s.candidates[0].pk] == {east: 2, west: 2}
    assert breakdown[s.candidates[1].pk] == {east: 1}


def test_after_the_close_the_tally_shows_the_fixed_status(tallied):
    s = tallied
    do_close_nominations(None, s.election, now=s.election.nominations_close_at)
    line = contest_tally(s.contest)[0]
    assert line.closed
    assert line.status.met


def test_slates_appear_on_the_tally(tallied):
    s = tallied
    slate = make_slate(s.election, s.candidates[1], name="Grassroots")
    lines = {line.candidacy.pk: line for line in contest_tally(s.contest)}
    assert lines[s.candidates[1].pk].slate == slate
    assert lines[s.candidates[0].pk].slate is None


def test_nominating_units_lists_each_current_return_by_region(tallied):
    s = tallied
    nominate(s, s.units[1][0], [s.candidates[2]])
    lines = nominating_units(s.contest)
    assert [line.unit for line in lines] == [*s.units[1][:2], *s.units[2][:2]]
    assert [n.candidacy for n in lines[0].nominations] == [s.candidates[2]]


def test_a_units_page_lists_its_current_returns(tallied):
    s = tallied
    [current] = unit_returns(s.units[1][0], s.election)
    assert sorted(n.candidacy_id for n in current.nominations.all()) == sorted(
        c.pk for c in s.candidates[:2]
    )


def test_a_candidate_sees_every_current_nomination_including_declined_ones(tallied):
    s = tallied
    units, affiliates = candidate_nominations(s.candidates[1])
    assert sorted(n.unit_id for n in units) == sorted([s.units[1][0].pk, s.units[2][1].pk])
    assert [n.response for n in units if n.unit_id == s.units[2][1].pk] == ["declined"]
    assert affiliates == []


def test_the_csv_has_a_column_per_region_and_a_row_per_candidate(tallied):
    s = tallied
    rows = tally_csv_rows(s.contest)
    header = rows[0]
    assert header[:6] == (
        "candidate",
        "slate",
        "unit_nominations",
        "affiliate_nominations",
        "status",
        "reason",
    )
    first = dict(zip(header, rows[1], strict=True))
    assert first["candidate"] == s.candidates[0].member.name
    assert first["unit_nominations"] == "4"
    assert first["status"] == "threshold met"
    assert first[s.regions[1].name] == "2"
    assert first[s.regions[0].name] == "0"
    assert len(rows) == 1 + len(s.candidates)


def test_the_tally_needs_a_bounded_number_of_queries(tallied, django_assert_max_num_queries):
    s = tallied
    with django_assert_max_num_queries(8):
        contest_tally(s.contest)
