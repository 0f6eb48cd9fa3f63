"""Appending from several connections at once never forks the chain (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from hustings.audit.chain import record_event, verify_chain
from hustings.audit.models import AuditEvent

WRITERS = 4
EACH = 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises whole transactions instead")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                with transaction.atomic():
                    record_event("test:concurrent", actor=None, data={"writer": writer, "n": n})
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(
        range(1, WRITERS * EACH + 1)
    )
    report = verify_chain()
    assert report.ok, str(report)
    assert report.checked == WRITERS * EACH
