"""`hustings worker`: run queued background tasks (sign-in emails and the like) until stopped."""

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


def require_database_backend() -> None:
    """Refuse when tasks run immediately: nothing is ever queued for a worker."""
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db."):
        raise CommandError(
            f"tasks run immediately here ({backend}), so there is nothing for a worker to do; "
            "set HUSTINGS_TASKS=database to queue them for `hustings worker`"
        )


class Command(DatabaseWorkerCommand):
    """django-tasks-db's worker under the project's name, with a clear refusal in dev mode."""

    help = (
        "Run background tasks queued in the database (HUSTINGS_TASKS=database, the production "
        "default) until stopped. Run one or more beside the web server; each takes tasks in turn."
    )

    def run_from_argv(self, argv: list[str]) -> None:
        """Check the task backend before parsing options (which would fail less clearly)."""
        try:
            require_database_backend()
        except CommandError as error:
            self.stderr.write(f"hustings worker: {error}")
            sys.exit(error.returncode)
        super().run_from_argv(argv)

    def execute(self, *args: Any, **options: Any) -> Any:
        """Check the task backend when called from code too."""
        require_database_backend()
        return super().execute(*args, **options)
