"""The `hustings` command: `hustings count` runs the counting library; every other verb is Django's.

`hustings count FILE ...` never imports Django, so a member recounting published ballots needs no
database. Other verbs (`hustings migrate`, `hustings import-members`, `hustings demo`, ...) are the
project's Django management commands; hyphens in a verb stand for underscores.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `hustings` verb and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "count":
        from hustings.count_command import run

        return run(args[1:])
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hustings", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
