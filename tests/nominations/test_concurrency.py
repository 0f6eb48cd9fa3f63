"""Two people submitting one unit's nominations at once never leave it over the maximum."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hustings.nominations.actions import do_record_unit_nominations
from hustings.nominations.models import Nomination, UnitReturn
from tests.factories import make_unit_secretary, returning_officer
from tests.nominations.scenario import meeting, scenario

ROUNDS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_for_one_unit_leave_one_current_return_within_the_maximum():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises whole transactions instead of locking rows"
        )
    s = scenario(women=6, men=6)
    unit = s.units[1][0]
    secretary = make_unit_secretary(unit).member.user
    officer = returning_officer()
    # Two different lists of six, each within the maximum; together they would be twelve.
    lists = [s.candidates[0:3] + s.candidates[6:9], s.candidates[3:6] + s.candidates[9:12]]
    actors = [secretary, officer]
    failures: list[BaseException] = []

    def submit(which: int) -> None:
        try:
            for _ in range(ROUNDS):
                start.wait()
                do_record_unit_nominations(
                    actors[which], unit, s.contest, lists[which], meeting=meeting()
                )
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
            start.abort()  # so the other thread stops waiting for this one
        finally:
            connection.close()

    start = threading.Barrier(2, timeout=30)
    threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert UnitReturn.objects.filter(unit=unit).count() == 2 * ROUNDS
    current = UnitReturn.objects.get(unit=unit, superseded_at__isnull=True)
    assert Nomination.objects.current().filter(unit=unit).count() == 6
    assert sorted(current.nominations.values_list("candidacy_id", flat=True)) in [
        sorted(c.pk for c in chosen) for chosen in lists
    ]
