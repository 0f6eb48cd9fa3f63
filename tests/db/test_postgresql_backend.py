"""The PostgreSQL backend's health check: no round trip on a quiet connection, a real one otherwise."""

from __future__ import annotations

import select
from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def kept() -> Iterator[DjangoPostgres]:
    """A second connection to the test database with health checks on, as the server keeps one."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the health check is the PostgreSQL backend's")
    from hustings.db.postgresql.base import DatabaseWrapper

    settings = connection.settings_dict.copy() | {"CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 600}
    wrapper = DatabaseWrapper(settings, alias="health-check-test")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend_pid(wrapper: DjangoPostgres) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _next_request(wrapper: DjangoPostgres) -> None:
    # What Django does between requests: the next request checks the connection again.
    wrapper.health_check_done = False


def _wait_readable(wrapper: DjangoPostgres) -> None:
    poller = select.poll()
    poller.register(wrapper.connection.pgconn.socket, select.POLLIN | select.POLLHUP)
    assert poller.poll(5000), "the server said nothing within 5 s"


def test_the_settings_choose_this_backend_for_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL names it")
    assert connection.settings_dict["ENGINE"] == "hustings.db.postgresql"
    assert type(connections["default"]).__module__ == "hustings.db.postgresql.base"


def test_a_quiet_kept_connection_is_used_without_a_query(kept, monkeypatch):
    pid = _backend_pid(kept)
    _next_request(kept)

    def no_round_trip(self: DjangoPostgres) -> bool:
        raise AssertionError("the health check sent SELECT 1")

    monkeypatch.setattr(DjangoPostgres, "is_usable", no_round_trip)
    kept.close_if_health_check_failed()

    assert kept.connection is not None
    monkeypatch.undo()
    assert _backend_pid(kept) == pid


def test_a_connection_the_server_ended_is_closed_and_the_next_query_reconnects(kept):
    pid = _backend_pid(kept)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    _wait_readable(kept)
    _next_request(kept)

    kept.close_if_health_check_failed()

    assert kept.connection is None
    assert _backend_pid(kept) != pid


def test_a_notification_waiting_on_a_healthy_connection_is_read_and_the_connection_kept(kept):
    import psycopg

    pid = _backend_pid(kept)
    with kept.cursor() as cursor:
        cursor.execute("LISTEN hustings_health_check_test")
    params = kept.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("NOTIFY hustings_health_check_test, 'hello'")
    _wait_readable(kept)
    _next_request(kept)

    kept.close_if_health_check_failed()

    assert kept.connection is not None
    assert _backend_pid(kept) == pid


def test_a_statement_run_over_and_over_is_kept_prepared():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: prepared statements are the server's")
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    probe = "SELECT %s::bigint + 1 AS hustings_prepared_probe"
    with connection.cursor() as cursor:
        for value in range(6):
            cursor.execute(probe, [value])
            assert cursor.fetchone()[0] == value + 1
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%hustings_prepared_probe%"],
        )
        assert cursor.fetchone()[0] == 1
