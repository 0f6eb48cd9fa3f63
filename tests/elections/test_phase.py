"""The election's phase, derived from its timetable and the clock, at every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from hustings.elections.models import Election, Phase

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def election(**changes: object) -> Election:
    """Return an unsaved election with a one-week step between each moment."""
    fields: dict[str, object] = {
        "name": "NEC 2026",
        "slug": "nec-2026",
        "declarations_open_at": T0,
        "nominations_open_at": T0 + timedelta(days=7),
        "nominations_close_at": T0 + timedelta(days=14),
        "ballot_open_at": T0 + timedelta(days=21),
        "ballot_close_at": T0 + timedelta(days=28),
        "results_published_at": T0 + timedelta(days=29),
        "voters_joined_by": T0.date(),
    }
    fields.update(changes)
    return Election(**fields)


BOUNDARIES = [
    ("declarations_open_at", Phase.SCHEDULED, Phase.DECLARATIONS),
    ("nominations_open_at", Phase.DECLARATIONS, Phase.NOMINATIONS),
    ("nominations_close_at", Phase.NOMINATIONS, Phase.BALLOT_PENDING),
    ("ballot_open_at", Phase.BALLOT_PENDING, Phase.BALLOT),
    ("ballot_close_at", Phase.BALLOT, Phase.COUNT),
    ("results_published_at", Phase.COUNT, Phase.RESULTS),
]


@pytest.mark.parametrize(("moment", "before", "at"), BOUNDARIES)
def test_each_phase_begins_at_its_moment_and_not_a_microsecond_earlier(moment, before, at):
    e = election()
    boundary = getattr(e, moment)

    assert e.phase(boundary - TICK) == before
    assert e.phase(boundary) == at


def test_without_published_results_the_count_lasts_indefinitely():
    e = election(results_published_at=None)

    assert e.phase(T0 + timedelta(days=365)) == Phase.COUNT


def test_declarations_are_open_from_their_opening_until_nominations_close():
    e = election()

    assert not e.declarations_open(e.declarations_open_at - TICK)
    assert e.declarations_open(e.declarations_open_at)
    assert e.declarations_open(e.nominations_close_at - TICK)
    assert not e.declarations_open(e.nominations_close_at)


def test_candidacies_may_be_edited_until_nominations_close_and_withdrawn_until_the_ballot():
    e = election()

    assert e.candidacies_editable(e.nominations_close_at - TICK)
    assert not e.candidacies_editable(e.nominations_close_at)
    assert e.withdrawals_open(e.nominations_close_at)
    assert e.withdrawals_open(e.ballot_open_at - TICK)
    assert not e.withdrawals_open(e.ballot_open_at)


def test_a_timetable_in_order_is_valid():
    election().clean()


def test_a_timetable_out_of_order_names_the_moment_at_fault():
    e = election(ballot_open_at=T0 + timedelta(days=10))  # before nominations close

    with pytest.raises(ValidationError) as raised:
        e.clean()

    assert raised.value.message_dict == {
        "ballot_open_at": ["Cannot be earlier than “Nominations close”."]
    }


def test_nominations_must_be_open_for_some_time():
    e = election(nominations_close_at=T0 + timedelta(days=7))

    with pytest.raises(ValidationError) as raised:
        e.clean()

    assert raised.value.message_dict == {
        "nominations_close_at": ["Must be later than “Nominations open”."]
    }


def test_results_cannot_be_published_before_the_ballot_closes():
    e = election(results_published_at=T0 + timedelta(days=27))

    with pytest.raises(ValidationError) as raised:
        e.clean()

    assert raised.value.message_dict == {
        "results_published_at": ["Cannot be earlier than “Ballot closes”."]
    }


@pytest.mark.django_db
def test_the_database_refuses_a_timetable_out_of_order():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        election(ballot_close_at=T0 + timedelta(days=20)).save()
