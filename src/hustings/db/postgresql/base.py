"""Django's PostgreSQL backend, with a health check that costs no round trip.

Django checks a kept connection (CONN_HEALTH_CHECKS) before each request's first query by
running `SELECT 1` on it: a round trip to the server, with a wake-up of its backend process, on
every request. Between requests a healthy connection is idle and the server has nothing to say on
it; a server that restarts or ends the session (shutdown, `pg_terminate_backend`, a crash of the
backend) says so by sending its error and closing the socket, which makes the socket readable.
So a connection that libpq still calls good, that is not inside a transaction, and whose socket
has nothing waiting, is used as it is; any other is checked with Django's own `SELECT 1` (which
also reads an unprompted notice or notification off a healthy connection), and closed if that
fails. A server that vanishes without a word (a cut cable) is found by neither check until a
query fails, after which Django closes the connection at the end of that request as usual.

Selected by the settings for every `postgres://` DATABASE_URL.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg import pq

_WAITING = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def _socket_quiet(fd: int) -> bool:
    """Return whether nothing at all is waiting on the socket (no data, no hang-up, no error)."""
    poller = select.poll()
    poller.register(fd, _WAITING)
    return not poller.poll(0)


class DatabaseWrapper(PostgresDatabaseWrapper):
    """PostgreSQL, checking a kept connection's health without a query when it can."""

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if (
            pgconn.status == pq.ConnStatus.OK
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
            and _socket_quiet(pgconn.socket)
        ):
            return True
        return bool(super().is_usable())
